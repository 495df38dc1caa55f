/**
 * A persistent (immutable) string-keyed map: a hash trie with 8-way branching (3 bits of the hash
 * per level). `set`/`delete` copy one path of at most 11 small nodes, so a change to one member
 * costs O(log n) whatever the room size, and every untouched value keeps its identity (rule 6).
 * Values are never undefined: `undefined` is how `put` says "delete".
 */

const BITS = 3
const MASK = 7

/** One key and its value; keys whose hashes are equal (rare) chain through `next`. */
interface Leaf<V> {
  readonly hash: number
  readonly key: string
  readonly value: V
  readonly next: Leaf<V> | undefined
}
/** One slot per 3 bits of the hash at this depth; empty slots are holes. */
type Branch<V> = readonly (Node<V> | undefined)[]
type Node<V> = Leaf<V> | Branch<V>

/** FNV-1a over UTF-16 code units: fast, and well spread for ids. A signed 32-bit integer (a small integer to V8, never a boxed number). */
function hashKey(key: string): number {
  let h = 0x811c9dc5 | 0
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return h
}

const isBranch = Array.isArray as <V>(node: Node<V> | undefined) => node is Branch<V>

const slot = (hash: number, shift: number) => (hash >>> shift) & MASK

// One shape for every leaf, so the code that reads leaves stays monomorphic.
const leaf = <V>(hash: number, key: string, value: V, next: Leaf<V> | undefined): Leaf<V> => ({
  hash: hash,
  key: key,
  value: value,
  next: next,
})

function leafIn<V>(node: Node<V> | undefined, hash: number, key: string): Leaf<V> | undefined {
  for (let shift = 0; isBranch(node); shift += BITS) node = node[slot(hash, shift)]
  while (node && node.key !== key) node = node.next
  return node
}

/** `chain` (leaves of one hash) with `key` set to `value` (deleted when undefined); the same chain when nothing changes. */
function putInChain<V>(
  chain: Leaf<V> | undefined,
  hash: number,
  key: string,
  value: V | undefined,
): Leaf<V> | undefined {
  if (!chain) return value === undefined ? chain : leaf(hash, key, value, chain)
  if (chain.key === key) {
    if (value === undefined) return chain.next
    return chain.value === value ? chain : leaf(hash, key, value, chain.next)
  }
  const next = putInChain(chain.next, hash, key, value)
  return next === chain.next ? chain : leaf(chain.hash, chain.key, chain.value, next)
}

/** `node` (at depth `shift`) with `key` set to `value`, or deleted when undefined; the same node when nothing changes. */
function put<V>(
  node: Node<V> | undefined,
  shift: number,
  hash: number,
  key: string,
  value: V | undefined,
): Node<V> | undefined {
  if (isBranch(node)) {
    const i = slot(hash, shift)
    const child = node[i]
    const next = put(child, shift + BITS, hash, key, value)
    if (next === child) return node
    const copy = node.slice()
    copy[i] = next
    if (value !== undefined) return copy
    // A branch left with one leaf collapses into that leaf so lookups stay short.
    const live = copy.filter(Boolean)
    return live.length > 1 || isBranch(live[0]) ? copy : live[0]
  }
  if (node && value !== undefined && node.hash !== hash) {
    // Another hash in this slot: a branch separates the two (one level deeper while they share bits).
    const branch: (Node<V> | undefined)[] = []
    branch[slot(node.hash, shift)] = node
    return put(branch, shift, hash, key, value)
  }
  return putInChain(node, hash, key, value)
}

function* walk<V>(node: Node<V> | undefined): Generator<Leaf<V>> {
  if (isBranch(node)) for (const child of node) yield* walk(child)
  else for (; node; node = node.next) yield node
}

export class PersistentMap<V> {
  static empty<V>(): PersistentMap<V> {
    return new PersistentMap<V>(undefined, 0)
  }

  readonly #root: Node<V> | undefined
  declare readonly size: number

  private constructor(root: Node<V> | undefined, size: number) {
    this.#root = root
    this.size = size
  }

  get(key: string): V | undefined {
    return leafIn(this.#root, hashKey(key), key)?.value
  }

  has(key: string): boolean {
    return this.get(key) !== undefined
  }

  /** A map with `key` set; the same map when the value is already identical. */
  set(key: string, value: V): PersistentMap<V> {
    return this.#put(key, value)
  }

  /** A map without `key`; the same map when it was absent. */
  delete(key: string): PersistentMap<V> {
    return this.#put(key, undefined)
  }

  #put(key: string, value: V | undefined): PersistentMap<V> {
    const hash = hashKey(key)
    const root = put(this.#root, 0, hash, key, value)
    if (root === this.#root) return this
    // A delete removed a key; a set added one unless the key was there.
    const grows = value === undefined ? -1 : leafIn(this.#root, hash, key) ? 0 : 1
    return new PersistentMap(root, this.size + grows)
  }

  *entries(): Generator<[string, V]> {
    for (const node of walk(this.#root)) yield [node.key, node.value]
  }

  *values(): Generator<V> {
    for (const node of walk(this.#root)) yield node.value
  }

  *keys(): Generator<string> {
    for (const node of walk(this.#root)) yield node.key
  }
}
