/* Linked list in a static node pool (indices, not pointers): build a list in a shuffled
 * order, walk it several times, delete every third node, insert new ones sorted, walk again. */
#include <stdint.h>

#define POOL 512
#define NIL (-1)

typedef struct { int32_t value; int16_t next; int16_t pad; } node;

node ll_pool[POOL];
int16_t ll_perm[POOL];

static int32_t ll_sum(int head, uint32_t *len) {
    uint32_t h = 0, n = 0;
    for (int i = head; i != NIL; i = ll_pool[i].next) {
        h = h * 31u + (uint32_t)ll_pool[i].value;
        n++;
    }
    *len = n;
    return (int32_t)h;
}

uint32_t run(void) {
    uint32_t seed = 31337u;
    for (int i = 0; i < POOL; i++) ll_perm[i] = (int16_t)i;
    for (int i = POOL - 1; i > 0; i--) { /* Fisher-Yates */
        seed = seed * 1664525u + 1013904223u;
        int j = (int)((seed >> 8) % (uint32_t)(i + 1));
        int16_t t = ll_perm[i]; ll_perm[i] = ll_perm[j]; ll_perm[j] = t;
    }
    /* link the first 400 pool slots in permutation order */
    int head = NIL;
    int used = 0;
    for (int i = 0; i < POOL; i++) {
        int idx = ll_perm[i];
        if (idx >= 400) continue;
        ll_pool[idx].value = idx * 7 - 1000;
        ll_pool[idx].next = (int16_t)head;
        head = idx;
        used++;
    }
    uint32_t len = 0, h = 0;
    for (int pass = 0; pass < 4; pass++) h ^= (uint32_t)ll_sum(head, &len) + (uint32_t)pass;
    /* delete every third node */
    int prev = NIL, k = 0;
    for (int i = head; i != NIL;) {
        int nx = ll_pool[i].next;
        if (k++ % 3 == 2) {
            if (prev == NIL) head = nx; else ll_pool[prev].next = (int16_t)nx;
        } else {
            prev = i;
        }
        i = nx;
    }
    /* insert 100 new nodes, each after the first node with a larger-or-equal value seen */
    for (int n = 400; n < POOL - 12; n++) {
        seed = seed * 1664525u + 1013904223u;
        ll_pool[n].value = (int32_t)(seed >> 20) - 2048;
        int at = head;
        while (at != NIL && ll_pool[at].value < ll_pool[n].value) {
            prev = at;
            at = ll_pool[at].next;
        }
        if (at == head) { ll_pool[n].next = (int16_t)head; head = n; }
        else { ll_pool[n].next = (int16_t)at; ll_pool[prev].next = (int16_t)n; }
    }
    h ^= (uint32_t)ll_sum(head, &len);
    return h + len * 0x10000u + (uint32_t)used;
}
