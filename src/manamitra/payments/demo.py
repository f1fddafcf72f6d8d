"""What a tester needs to try payments and bookings in the demo (the reference systems are
data in code, so there is nothing to seed): sample account numbers and where to pay."""

from __future__ import annotations


def demo_notes(public_url: str) -> list[str]:
    return [
        "Payments (sandbox gateway — no real money):",
        "  power bill service numbers: 1121402007781 (APSPDCL, arrears), 2231506001123 (APEPDCL),"
        " 3341608005567 (APCPDCL)",
        "  property/water tax assessment: 1086023456, 1073045678 · trade licence: TL2026VJA0012",
        "  e-challan vehicles: AP39AB1234, AP03EF9012 · bus: Vijayawada → Visakhapatnam etc.",
        f"  pay a bill: tap it in the simulator, or open {public_url}/pay/<order id>;"
        ' POST /sandbox/api/pay {"order_id", "outcome"}',
        "  reconcile: manamitra payments reconcile [--date YYYY-MM-DD] [--json]",
    ]
