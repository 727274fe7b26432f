/**
 * The condition groups of advanced policies (WSO2's conditional groups): each group holds conditions that
 * must all match (each may be inverted) and a limit of its own. As WSO2 evaluates them: an IP condition is a
 * fixed address or a range, a header condition a regular expression found in the header's value, a query
 * parameter condition the parameter's exact value, a JWT claim condition a regular expression found in the
 * claim's value (claims named by URI, as in the backend JWT).
 */
import net from 'node:net';
import type { Static } from 'typebox';
import type { ThrottleConditionSchema } from '../publisher/admin/policy-schemas.js';
import { ipToBigInt } from '../publisher/admin/ip-address.js';

type Condition = Static<typeof ThrottleConditionSchema>;

/** What conditions look at; claims are built only when a JWT claim condition asks. */
export interface ThrottleRequest {
  readonly clientIp: string;
  header(name: string): string | undefined;
  query(name: string): string | undefined;
  claim(uri: string): string | undefined;
}

export type Predicate = (request: ThrottleRequest) => boolean;

/** A regular expression from a policy; one that does not compile matches its text literally. */
function pattern(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch {
    return new RegExp(source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

function ipPredicate(condition: Extract<Condition, { type: 'IPCONDITION' }>): Predicate {
  const ip = condition.ipCondition;
  const [start, end] =
    ip.ipConditionType === 'IPSPECIFIC' ? [ip.specificIP, ip.specificIP] : [ip.startingIP, ip.endingIP];
  const family = net.isIP(start);
  const low = ipToBigInt(start);
  const high = ipToBigInt(end);
  return (request) => {
    if (net.isIP(request.clientIp) !== family) return false;
    const address = ipToBigInt(request.clientIp);
    return address >= low && address <= high;
  };
}

function compileCondition(condition: Condition): Predicate {
  let matches: Predicate;
  switch (condition.type) {
    case 'IPCONDITION':
      matches = ipPredicate(condition);
      break;
    case 'HEADERCONDITION': {
      const name = condition.headerCondition.headerName.toLowerCase();
      const value = pattern(condition.headerCondition.headerValue);
      matches = (request) => {
        const actual = request.header(name);
        return actual !== undefined && value.test(actual);
      };
      break;
    }
    case 'QUERYPARAMETERCONDITION': {
      const { parameterName, parameterValue } = condition.queryParameterCondition;
      matches = (request) => request.query(parameterName) === parameterValue;
      break;
    }
    case 'JWTCLAIMSCONDITION': {
      const { claimUrl, attribute } = condition.jwtClaimsCondition;
      const value = pattern(attribute);
      matches = (request) => {
        const actual = request.claim(claimUrl);
        return actual !== undefined && value.test(actual);
      };
      break;
    }
  }
  return condition.invertCondition === true ? (request) => !matches(request) : matches;
}

/** All of a group's conditions, as one predicate. */
export function compileConditions(conditions: readonly Condition[]): Predicate {
  const predicates = conditions.map(compileCondition);
  return (request) => predicates.every((p) => p(request));
}
