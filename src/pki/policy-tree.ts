import { OID } from './oids';
import type { ParsedCertificate } from './parsed-certificate';

const ANY = OID.anyPolicy;

/** A node of the valid_policy_tree (RFC 5280 §6.1.2 (a)). Qualifiers are not kept: nothing here acts on them. */
interface PolicyNode {
  readonly validPolicy: string;
  expectedPolicySet: Set<string>;
  readonly children: PolicyNode[];
  readonly parent: PolicyNode | undefined;
  readonly depth: number;
  removed: boolean;
}

/** A hostile path of policy mappings can grow the tree exponentially; stop well before that hurts. */
export const MAX_POLICY_NODES = 5_000;

export class PolicyTreeTooLarge extends Error {}

/**
 * The valid_policy_tree of RFC 5280 §6.1 with the operations of §6.1.3 (d)–(e), §6.1.4
 * (b) and §6.1.5 (g). `undefined` root stands for the NULL tree.
 */
export class PolicyTree {
  private root: PolicyNode | undefined = { validPolicy: ANY, expectedPolicySet: new Set([ANY]), children: [], parent: undefined, depth: 0, removed: false };
  private count = 1;

  get isNull(): boolean {
    return this.root === undefined;
  }

  private nodesAt(depth: number): PolicyNode[] {
    if (!this.root) return [];
    let level: PolicyNode[] = [this.root];
    for (let d = 0; d < depth; d++) level = level.flatMap((n) => n.children);
    return level;
  }

  private addChild(parent: PolicyNode, validPolicy: string, expected: Set<string>): void {
    if (++this.count > MAX_POLICY_NODES) throw new PolicyTreeTooLarge('policy tree too large');
    parent.children.push({ validPolicy, expectedPolicySet: expected, children: [], parent, depth: parent.depth + 1, removed: false });
  }

  private remove(node: PolicyNode): void {
    node.removed = true;
    if (node.parent) {
      const siblings = node.parent.children;
      siblings.splice(siblings.indexOf(node), 1);
    } else this.root = undefined;
  }

  /** Deletes childless nodes above `depth`, repeatedly (§6.1.3 (d)(3), §6.1.4 (b)(2), §6.1.5 (g)(iii)(4)). */
  private prune(depth: number): void {
    for (let d = depth - 1; d >= 0; d--) {
      for (const node of this.nodesAt(d)) if (node.children.length === 0) this.remove(node);
      if (!this.root) return;
    }
  }

  /** §6.1.3 (d) and (e) for certificate i. */
  processCertificatePolicies(cert: ParsedCertificate, i: number, n: number, inhibitAnyPolicy: number): void {
    if (!this.root) return;
    const policies = cert.policies;
    if (!policies) {
      this.root = undefined; // (e)
      return;
    }
    const parents = this.nodesAt(i - 1);
    for (const { policy } of policies) {
      if (policy === ANY) continue;
      const matching = parents.filter((p) => p.expectedPolicySet.has(policy));
      if (matching.length > 0) for (const p of matching) this.addChild(p, policy, new Set([policy]));
      else for (const p of parents.filter((q) => q.validPolicy === ANY)) this.addChild(p, policy, new Set([policy]));
    }
    const hasAny = policies.some((p) => p.policy === ANY);
    if (hasAny && (inhibitAnyPolicy > 0 || (i < n && cert.selfIssued))) {
      for (const p of parents) {
        const present = new Set(p.children.map((c) => c.validPolicy));
        for (const expected of p.expectedPolicySet) if (!present.has(expected)) this.addChild(p, expected, new Set([expected]));
      }
    }
    this.prune(i);
  }

  /** §6.1.4 (b): apply policyMappings of certificate i. */
  applyMappings(cert: ParsedCertificate, i: number, policyMapping: number): void {
    if (!this.root || !cert.policyMappings) return;
    const byIssuer = new Map<string, Set<string>>();
    for (const m of cert.policyMappings) {
      const set = byIssuer.get(m.issuerDomainPolicy) ?? new Set<string>();
      set.add(m.subjectDomainPolicy);
      byIssuer.set(m.issuerDomainPolicy, set);
    }
    for (const [issuerPolicy, subjectPolicies] of byIssuer) {
      const level = this.nodesAt(i);
      const nodes = level.filter((node) => node.validPolicy === issuerPolicy);
      if (policyMapping > 0) {
        if (nodes.length > 0) for (const node of nodes) node.expectedPolicySet = new Set(subjectPolicies);
        else {
          const anyNode = level.find((node) => node.validPolicy === ANY);
          if (anyNode?.parent) this.addChild(anyNode.parent, issuerPolicy, new Set(subjectPolicies));
        }
      } else {
        for (const node of nodes) this.remove(node);
        this.prune(i);
        if (!this.root) return;
      }
    }
  }

  /**
   * §6.1.5 (g): intersect with user-initial-policy-set and return the
   * user-constrained-policy-set (valid policies of the leaves at depth n).
   */
  intersect(initialPolicySet: ReadonlySet<string>, n: number): string[] {
    if (!this.root) return [];
    if (!initialPolicySet.has(ANY)) {
      const all: PolicyNode[] = [];
      const walk = (node: PolicyNode): void => {
        all.push(node);
        for (const c of node.children) walk(c);
      };
      walk(this.root);
      const validPolicyNodeSet = all.filter((node) => node.parent?.validPolicy === ANY);
      for (const node of validPolicyNodeSet) {
        if (node.validPolicy !== ANY && !initialPolicySet.has(node.validPolicy) && !node.removed) this.remove(node);
      }
      const anyLeaf = this.nodesAt(n).find((node) => node.validPolicy === ANY);
      if (anyLeaf?.parent) {
        const present = new Set(validPolicyNodeSet.filter((node) => !node.removed).map((node) => node.validPolicy));
        for (const policy of initialPolicySet) {
          if (!present.has(policy)) this.addChild(anyLeaf.parent, policy, new Set([policy]));
        }
        this.remove(anyLeaf);
      } else if (anyLeaf) {
        this.remove(anyLeaf);
      }
      this.prune(n);
    }
    return this.userConstrainedPolicySet(n);
  }

  /**
   * The policies of the surviving tree in the user's (trust anchor's) domain: nodes whose
   * parent is anyPolicy, before any mapping renamed them further down; anyPolicy itself
   * when an unbroken anyPolicy branch reaches depth n.
   */
  private userConstrainedPolicySet(n: number): string[] {
    if (!this.root) return [];
    const out = new Set<string>();
    const walk = (node: PolicyNode): void => {
      for (const child of node.children) {
        if (child.validPolicy !== ANY) out.add(child.validPolicy);
        else if (child.depth === n) out.add(ANY);
        else walk(child);
      }
    };
    walk(this.root);
    return [...out].sort();
  }
}
