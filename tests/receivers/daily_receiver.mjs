// A webhook receiver that verifies signatures the way Daily's documentation does: it parses the JSON body and
// re-serialises it with JSON.stringify before computing the HMAC. Answers 200 when the signature holds, else 401.
// Usage: node daily_receiver.mjs <base64 hmac>; prints the port it listens on, then one JSON line per request.
import { createServer } from "node:http";
import { createHmac } from "node:crypto";

const secret = Buffer.from(process.argv[2], "base64");
const server = createServer((req, res) => {
  let raw = "";
  req.setEncoding("utf8");
  req.on("data", (chunk) => (raw += chunk));
  req.on("end", () => {
    const timestamp = req.headers["x-webhook-timestamp"];
    const body = JSON.parse(raw);
    const expected = createHmac("sha256", secret).update(timestamp + "." + JSON.stringify(body)).digest("base64");
    const ok = expected === req.headers["x-webhook-signature"];
    console.log(JSON.stringify({ ok, id: body.id ?? null, reserialised: JSON.stringify(body) === raw }));
    res.writeHead(ok ? 200 : 401).end();
  });
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
