/**
 * The home page's live parts, run in the browser (served as /live.js from this function's source,
 * so it must use nothing from outside its own body): the strip of who answered, the autoscaler and
 * its pods, and the load spread over every pod. Text goes in with textContent only.
 */
export function liveClient(): void {
  const byId = (id: string) => document.getElementById(id) as HTMLElement;
  const strip = byId('strip');
  const shares = byId('shares');
  const STRIP_LENGTH = 30;
  const palette = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1', '#b83280', '#2c7a7b', '#975a16', '#4a5568'];
  const colors = new Map<string, string>();
  const recent: string[] = [];

  /** One answer into the strip (newest first), and the share of each pod among the recent ones. */
  function record(pod: string, node: string): void {
    if (!colors.has(pod)) colors.set(pod, palette[colors.size % palette.length]);
    const item = document.createElement('li');
    item.textContent = `${pod} @ ${node}`;
    item.style.borderLeftColor = colors.get(pod) ?? '#999';
    item.dataset.pod = pod;
    strip.prepend(item);
    while (strip.children.length > STRIP_LENGTH) strip.lastElementChild?.remove();
    recent.unshift(pod);
    recent.length = Math.min(recent.length, STRIP_LENGTH);
    const counts = new Map<string, number>();
    for (const name of recent) counts.set(name, (counts.get(name) ?? 0) + 1);
    shares.textContent = `Last ${recent.length} answers: ${[...counts].map(([name, count]) => `${name} ${count}`).join(', ')}`;
  }

  async function ask(path: string): Promise<{ pod: string; node: string }> {
    const response = await fetch(path, { cache: 'no-store' });
    if (!response.ok) throw new Error(`${response.status}`);
    return (await response.json()) as { pod: string; node: string };
  }

  let loading = false;
  // Idle, one question a second (each on a new connection: the service closes it) shows the round robin.
  async function poll(): Promise<void> {
    if (!loading) {
      try {
        const answer = await ask('/whoami');
        record(answer.pod, answer.node);
      } catch {
        shares.textContent = 'The service did not answer the last question.';
      }
    }
    setTimeout(poll, 1000);
  }

  interface Cluster {
    available: boolean;
    reason?: string;
    hpa?: { min: number; max: number; current: number; desired: number; targetCpu?: number; currentCpu?: number };
    deployment?: { replicas: number; ready: number };
    pods?: Array<{ name: string; node: string; phase: string; ready: boolean; restarts: number }>;
  }
  const hpaText = byId('hpa');
  const podRows = byId('pod-rows');
  async function cluster(): Promise<void> {
    try {
      const status = (await (await fetch('/api/cluster', { cache: 'no-store' })).json()) as Cluster;
      if (!status.available || !status.hpa || !status.pods) {
        hpaText.textContent = `Not shown: ${status.reason ?? 'no answer'}.`;
        hpaText.dataset.state = 'unavailable';
        podRows.replaceChildren();
      } else {
        const { hpa } = status;
        const cpu = hpa.currentCpu === undefined ? 'unknown (no metrics yet)' : `${hpa.currentCpu}%`;
        hpaText.textContent = `${hpa.current} replicas now, ${hpa.desired} wanted (from ${hpa.min} to ${hpa.max}); CPU ${cpu} of its ${hpa.targetCpu ?? '?'}% target.`;
        hpaText.dataset.state = 'available';
        podRows.replaceChildren(
          ...status.pods.map((pod) => {
            const row = document.createElement('tr');
            for (const text of [pod.name, pod.node, pod.phase, pod.ready ? 'ready' : 'not ready', String(pod.restarts)]) {
              const cell = document.createElement('td');
              cell.textContent = text;
              row.append(cell);
            }
            return row;
          }),
        );
      }
    } catch {
      hpaText.textContent = 'Not shown: the service did not answer.';
    }
    setTimeout(cluster, 3000);
  }

  // The load spread over every pod: N requests in flight for M seconds, each on a new connection.
  const form = byId('spread-form') as HTMLFormElement;
  const stats = byId('spread-stats');
  const stopButton = byId('spread-stop') as HTMLButtonElement;
  let deadline = 0;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (loading) return;
    const clamp = (id: string, max: number) => Math.min(max, Math.max(1, Math.floor(Number((byId(id) as HTMLInputElement).value) || 1)));
    void spread(clamp('parallel', 32), clamp('seconds', 120));
  });
  stopButton.addEventListener('click', () => (deadline = 0));

  async function spread(parallel: number, seconds: number): Promise<void> {
    loading = true;
    stopButton.disabled = false;
    const started = performance.now();
    deadline = started + seconds * 1000;
    const latencies: number[] = [];
    const finished: number[] = [];
    let failed = 0;
    const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
    const show = (state: string) => {
      const now = performance.now();
      const lastSecond = finished.filter((at) => at > now - 1000).length;
      const sorted = [...latencies].sort((a, b) => a - b);
      stats.textContent = `${state}: ${latencies.length} requests, ${lastSecond}/s now, latency p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, ${failed} failed`;
      stats.dataset.requests = String(latencies.length);
    };
    const ticker = setInterval(() => show(`running, ${Math.max(0, Math.ceil((deadline - performance.now()) / 1000))} s left`), 500);
    const worker = async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        try {
          const answer = await ask('/work');
          latencies.push(performance.now() - sent);
          finished.push(performance.now());
          if (finished.length > 5000) finished.splice(0, finished.length - 5000);
          record(answer.pod, answer.node);
        } catch {
          failed += 1;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    clearInterval(ticker);
    show(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    stats.dataset.state = 'done';
    stopButton.disabled = true;
    loading = false;
  }

  void poll();
  void cluster();
}
