#include <iostream>
#include <string>
#include "packr.hpp"

int main(int argc, char **argv) {
  std::string dir = argc > 1 ? argv[1] : "target/guests/wasm";
  try {
    packr::builder b;
    b.add_package_file("adder", dir + "/adder.wasm");
    b.add_package_file("doubler", dir + "/doubler.wasm");
    b.wire("adder", "math", "double", "doubler", "double");
    packr::composition c = b.build();
    std::cout << "process(5) = " << c.call_value("adder", "process", packr::value::s64(5)).as_s64() << "\n";
  } catch (const packr::error &e) {  // carries the packr_result and the message
    std::cerr << packr_result_name(e.code()) << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
