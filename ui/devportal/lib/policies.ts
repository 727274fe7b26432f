/** Throttling policies in short: "5000/min", "Unlimited". */
import type { PortalPolicy } from './wire';

const UNLIMITED = 2_147_483_647;

function limitOf(policy: PortalPolicy): string {
  if (policy.requestCount >= UNLIMITED) return 'Unlimited';
  const minutes = policy.unitTime / 60_000;
  const per =
    policy.unitTime === 1000
      ? 's'
      : minutes === 1
        ? 'min'
        : minutes === 60
          ? 'hour'
          : minutes === 1440
            ? 'day'
            : `${policy.unitTime / 1000} s`;
  const what = policy.quotaPolicyType === 'BANDWIDTHVOLUME' ? ` ${policy.dataUnit ?? 'KB'}` : '';
  return `${policy.requestCount}${what}/${per}`;
}

/** A Select option for a policy: its name, with its limit or description. */
export function policyOption(
  name: string,
  policies: PortalPolicy[] | undefined,
): { value: string; label: string } {
  const policy = policies?.find((p) => p.name === name);
  return { value: name, label: policy ? `${name} (${limitOf(policy)})` : name };
}
