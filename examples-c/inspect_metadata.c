/*
 * inspect_metadata: read the type metadata a package embeds (its __pack_types export) and print
 * its imports and exports as signatures, by walking the decoded value with the accessors.
 *   usage: inspect_metadata GUEST_DIR
 */
#include "common.h"

/* The value of field `name` of a record, or NULL. */
static const packr_value *field(const packr_value *record, const char *name) {
  for (size_t i = 0; i < packr_value_len(record); i++) {
    const char *n;
    size_t len;
    if (packr_value_field_name(record, i, &n, &len) == PACKR_RESULT_OK && len == strlen(name) &&
        memcmp(n, name, len) == 0)
      return packr_value_get(record, i);
  }
  return NULL;
}

static void print_string(const packr_value *v) {
  const char *s = "";
  size_t len = 0;
  if (v && packr_value_as_string(v, &s, &len) != PACKR_RESULT_OK) len = 0;
  printf("%.*s", (int)len, s);
}

/* A type-desc variant: its case name, then nested descriptors in angle brackets. */
static void print_type(const packr_value *t) {
  const char *c;
  size_t len;
  if (!t || packr_value_case_name(t, &c, &len) != PACKR_RESULT_OK) {
    printf("?");
    return;
  }
  printf("%.*s", (int)len, c);
  if (packr_value_len(t) == 0) return;
  const packr_value *p = packr_value_get(t, 0);
  if (packr_value_kind(p) == PACKR_KIND_VARIANT) { /* list<T>, option<T> */
    printf("<");
    print_type(p);
    printf(">");
  } else if (packr_value_kind(p) == PACKR_KIND_LIST) { /* tuple<...> */
    printf("<");
    for (size_t i = 0; i < packr_value_len(p); i++) {
      if (i) printf(", ");
      print_type(packr_value_get(p, i));
    }
    printf(">");
  } else if (packr_value_kind(p) == PACKR_KIND_RECORD && field(p, "ok")) { /* result<T, E> */
    printf("<");
    print_type(field(p, "ok"));
    printf(", ");
    print_type(field(p, "err"));
    printf(">");
  } else if (packr_value_kind(p) == PACKR_KIND_RECORD && field(p, "name")) { /* record, variant */
    printf(" ");
    print_string(field(p, "name"));
  }
}

static void print_functions(const char *label, const packr_value *list) {
  for (size_t i = 0; list && i < packr_value_len(list); i++) {
    const packr_value *f = packr_value_get(list, i);
    printf("  %s ", label);
    const packr_value *iface = field(f, "interface");
    const char *s;
    size_t len;
    if (iface && packr_value_as_string(iface, &s, &len) == PACKR_RESULT_OK && len > 0) printf("%.*s.", (int)len, s);
    print_string(field(f, "name"));
    printf("(");
    const packr_value *params = field(f, "params");
    for (size_t j = 0; params && j < packr_value_len(params); j++) {
      const packr_value *p = packr_value_get(params, j);
      if (j) printf(", ");
      print_string(field(p, "name"));
      printf(": ");
      print_type(field(p, "type"));
    }
    printf(")");
    const packr_value *results = field(f, "results");
    for (size_t j = 0; results && j < packr_value_len(results); j++) {
      printf(j ? ", " : " -> ");
      print_type(packr_value_get(results, j));
    }
    printf("\n");
  }
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "target/guests/wasm";
  const char *names[] = {"adder", "greeter", "sexpr"};
  packr_error *err = NULL;
  packr_builder *b = packr_builder_new();
  for (size_t i = 0; i < 3; i++)
    check(packr_builder_add_package_file(b, names[i], guest_path(dir, names[i]), &err), err, "add");
  /* Metadata does not need the imports satisfied at run time, but build does: stub them.
     host.log (no result) and log_twice (-> u32) differ in their declared signatures, which
     typed wiring would refuse; these stubs are never called, so skip the check for that one. */
  check(packr_builder_wire(b, "adder", "math", "double", "adder", "process", &err), err, "wire");
  check(packr_builder_wire(b, "greeter", "host", "greet", "greeter", "hello", &err), err, "wire");
  check(packr_builder_wire_unchecked(b, "greeter", "host", "log", "greeter", "log_twice", &err), err,
        "wire");
  packr_composition *c = NULL;
  check(packr_builder_build(b, &c, &err), err, "build");

  for (size_t i = 0; i < 3; i++) {
    packr_bytes *meta = NULL;
    check(packr_composition_types(c, names[i], &meta, &err), err, "types");
    packr_value *v = NULL;
    check(packr_value_decode(packr_bytes_data(meta), packr_bytes_len(meta), &v, &err), err, "decode");
    const char *tn;
    size_t tlen;
    check(packr_value_type_name(v, &tn, &tlen), NULL, "type_name");
    printf("%s: %zu bytes of metadata, a %.*s record\n", names[i], packr_bytes_len(meta), (int)tlen, tn);
    print_functions("import", field(v, "imports"));
    print_functions("export", field(v, "exports"));
    packr_value_free(v);
    packr_bytes_free(meta);
  }
  packr_composition_free(c);
  return 0;
}
