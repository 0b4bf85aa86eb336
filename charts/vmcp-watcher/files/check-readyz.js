// The `helm test` check (run by the chart's image with `node -e`): GET $READYZ_URL until it answers 200, printing
// the body; exit 1 with the last answer or error when $READYZ_DEADLINE_MS passes.
const url = process.env.READYZ_URL;
const deadline = Date.now() + Number(process.env.READYZ_DEADLINE_MS || 60000);
const check = async () => {
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10000) });
      const body = await res.text();
      if (res.status === 200) {
        console.log(`${url}: 200\n${body}`);
        return 0;
      }
      last = `${res.status} ${body}`;
    } catch (error) {
      last = String(error && error.cause ? error.cause : error);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  console.error(`${url} was not ready: ${last}`);
  return 1;
};
check().then((code) => process.exit(code));
