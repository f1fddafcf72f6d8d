"""The `booking` kind: APSRTC bus seats and temple darshan, seva and rooms, held while the
citizen pays, sold on confirmed payment, cancelled with the refund rule; "my tickets".

The kind itself, with its spec example, is in `kind`; shared holding and billing in `hold`, the
products in `bus` and `temple`, payment confirmed → ticket and cancellation refunds in
`fulfilment`, the citizen's tickets in `tickets`; `services.registry` calls each module's
`register()`.
"""
