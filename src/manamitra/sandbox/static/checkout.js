// The sandbox checkout page: each button pays (or fails, or pays twice) through the sandbox API.
const result = document.getElementById("result");
const orderId = result.dataset.orderId;
for (const button of document.querySelectorAll("button")) {
  button.addEventListener("click", async () => {
    if (button.dataset.abandon) { result.textContent = "Abandoned: nothing was paid."; return; }
    const lines = [];
    for (let i = 0; i < Number(button.dataset.times); i++) {
      const response = await fetch("/sandbox/api/pay", {
        method: "POST", headers: {"content-type": "application/json"},
        body: JSON.stringify({order_id: orderId, outcome: button.dataset.outcome}),
      });
      const data = await response.json();
      lines.push(`${data.payment_id || ""} ${data.status || response.status}`);
    }
    result.textContent = lines.join(" · ") + " — go back to WhatsApp.";
  });
}
