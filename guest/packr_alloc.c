/*
 * packr_alloc.c: the guest heap and the allocation exports.
 *
 * On wasm32 (and natively with -DPACKR_TEST_HEAP, for tests) this is a size-class allocator:
 * every block is a power of two from 16 bytes to 2 GiB, including an 8-byte header that records
 * its class. Freed blocks go on their class's free list and are reused by later allocations of
 * the same class, so a package that allocates and frees per call runs in constant memory. New
 * blocks are carved from the top of the heap, which starts at __heap_base and grows with
 * memory.grow. Memory is never returned to the host (wasm cannot shrink memory).
 *
 * Natively without PACKR_TEST_HEAP, packr_malloc/packr_free are libc's malloc/free, so ASan and
 * LeakSanitizer see every allocation of the codec.
 */
#include "packr_guest.h"

#if defined(__wasm__) || defined(PACKR_TEST_HEAP)

#define HDR 8u
#define MIN_CLASS 4u
#define MAX_CLASS 31u
#define MAGIC_LIVE 0x4b434150u /* "PACK" */
#define MAGIC_FREE 0x45455246u /* "FREE" */

typedef struct hdr {
  uint32_t magic;
  uint32_t cls;
} hdr;

static void *free_lists[MAX_CLASS + 1];
static uintptr_t heap_start, heap_next, heap_end;

#if defined(__wasm__)
extern unsigned char __heap_base;
#define PAGE 65536u
static void heap_init(void) {
  heap_start = heap_next = ((uintptr_t)&__heap_base + 7u) & ~(uintptr_t)7u;
  heap_end = (uintptr_t)__builtin_wasm_memory_size(0) * PAGE;
}
static int heap_grow(uintptr_t need) {
  uintptr_t pages = (need - (heap_end - heap_next) + PAGE - 1) / PAGE;
  if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return -1;
  heap_end += pages * PAGE;
  return 0;
}
#else
/* A fixed native arena standing in for linear memory, grown in 64 KiB "pages". */
#ifndef PACKR_TEST_HEAP_SIZE
#define PACKR_TEST_HEAP_SIZE (64u * 1024u * 1024u)
#endif
#define PAGE 65536u
static uint64_t test_heap_words[PACKR_TEST_HEAP_SIZE / 8];
#define test_heap ((unsigned char *)test_heap_words)
static void heap_init(void) {
  heap_start = heap_next = (uintptr_t)test_heap;
  heap_end = heap_start;
}
static int heap_grow(uintptr_t need) {
  uintptr_t pages = (need - (heap_end - heap_next) + PAGE - 1) / PAGE;
  if (pages * PAGE > (uintptr_t)test_heap + PACKR_TEST_HEAP_SIZE - heap_end) return -1;
  heap_end += pages * PAGE;
  return 0;
}
#endif

void *packr_malloc(size_t size) {
  if (heap_start == 0) heap_init();
  if (size > ((size_t)1 << MAX_CLASS) - HDR) return NULL;
  size_t total = size + HDR;
  uint32_t cls = MIN_CLASS;
  while (((size_t)1 << cls) < total) cls++;
  hdr *h;
  if (free_lists[cls]) {
    h = (hdr *)free_lists[cls];
    free_lists[cls] = *(void **)((unsigned char *)h + HDR);
  } else {
    uintptr_t bytes = (uintptr_t)1 << cls;
    if (heap_end - heap_next < bytes && heap_grow(bytes) != 0) return NULL;
    h = (hdr *)heap_next;
    heap_next += bytes;
  }
  h->magic = MAGIC_LIVE;
  h->cls = cls;
  return (unsigned char *)h + HDR;
}

void packr_free(void *ptr) {
  if (!ptr) return;
  uintptr_t p = (uintptr_t)ptr;
  /* Ignore pointers this heap never handed out (and double frees) instead of corrupting it. */
  if (p < heap_start + HDR || p >= heap_next || (p & 7u) != 0) return;
  hdr *h = (hdr *)(p - HDR);
  if (h->magic != MAGIC_LIVE || h->cls < MIN_CLASS || h->cls > MAX_CLASS) return;
  h->magic = MAGIC_FREE;
  *(void **)ptr = free_lists[h->cls];
  free_lists[h->cls] = h;
}

#else /* native: libc */
#include <stdlib.h>
void *packr_malloc(size_t size) { return malloc(size ? size : 1); }
void packr_free(void *ptr) { free(ptr); }
#endif

#if defined(__wasm__)
/* The heap exports. __pack_alloc: zero-filled, alignment 8, 0 for size <= 0 or on failure.
 * __pack_free: len is not needed (the header knows the class); unknown pointers are ignored. */
__attribute__((export_name("__pack_alloc"))) int32_t packr_export___pack_alloc(int32_t size) {
  if (size <= 0) return 0;
  unsigned char *p = (unsigned char *)packr_malloc((size_t)size);
  if (!p) return 0;
  for (int32_t i = 0; i < size; i++) p[i] = 0;
  return (int32_t)(uintptr_t)p;
}
__attribute__((export_name("__pack_free"))) void packr_export___pack_free(int32_t ptr, int32_t len) {
  (void)len;
  if (ptr != 0) packr_free((void *)(uintptr_t)ptr);
}

/* No libc: clang still emits calls to these for struct copies and some loops. no_builtin keeps
 * it from turning the loops below back into calls to themselves. */
__attribute__((no_builtin)) void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  while (n--) *d++ = *s++;
  return dst;
}
__attribute__((no_builtin)) void *memmove(void *dst, const void *src, size_t n) {
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}
__attribute__((no_builtin)) void *memset(void *dst, int c, size_t n) {
  unsigned char *d = (unsigned char *)dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}
__attribute__((no_builtin)) int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}
#endif
