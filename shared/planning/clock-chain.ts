/**
 * A waiting caller's clock, one uniformised run of it (Jensen's method: the continuous chain with
 * total rate Λ is a discrete chain stepped a Poisson(Λt) number of times; every term is positive).
 * The state is the phases to go less one: from s a phase passes at `phaseRate` (answered from 0), a
 * caller ahead hangs up at `aheadRates[⌊s/K⌋]` (K phases on: a whole place) and the caller at
 * `ownRate`. K = 1 with aheadRates[j] = jθ is Erlang A's caller with j ahead.
 * The Poisson weights are carried in log space: over a long time Λt passes 745 and e^{−Λt} is 0.
 */
export function runClock(mass: Float64Array, K: number, phaseRate: number, aheadRates: Float64Array, ownRate: number, seconds: number): { answered: number; end: Float64Array } {
  const size = mass.length;
  const uniform = phaseRate + aheadRates[aheadRates.length - 1]! + ownRate;
  const lt = uniform * seconds;
  const steps = Math.ceil(lt + 10 * Math.sqrt(lt) + 20);
  const answer = phaseRate / uniform;
  const own = ownRate / uniform;
  let start = mass.slice();
  let next = new Float64Array(size);
  const end = new Float64Array(size);
  let [absorbed, answered, logWeight, weights] = [0, 0, -lt, 0];
  for (let m = 0; m <= steps; m++) {
    const weight = Math.exp(logWeight);
    weights += weight;
    answered += weight * absorbed;
    next.fill(0);
    for (let x = 0; x < size; x++) {
      const q = start[x]!;
      if (q === 0) continue;
      end[x]! += weight * q;
      const ahead = aheadRates[Math.floor(x / K)]! / uniform;
      next[x]! += q * (1 - answer - ahead - own);
      if (x === 0) absorbed += q * answer;
      else next[x - 1]! += q * answer;
      if (ahead) next[x - K]! += q * ahead;
    }
    [start, next] = [next, start];
    logWeight += Math.log(lt) - Math.log(m + 1);
    // The Poisson weight still to come is negligible.
    if (m > lt && 1 - weights < 1e-13) break;
  }
  // The Poisson weight not reached (under 1e-13): count it at the last step.
  answered += Math.max(0, 1 - weights) * absorbed;
  for (let x = 0; x < size; x++) end[x]! += Math.max(0, 1 - weights) * start[x]!;
  return { answered, end };
}
