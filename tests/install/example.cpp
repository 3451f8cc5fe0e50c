// The same check as example.c, through the installed C++ wrapper (packr.hpp).
#include <packr.hpp>

#include <iostream>

int main() {
  try {
    packr::value point = packr::value::record("point");
    point.push_field("x", packr::value::s32(1)).push_field("y", packr::value::s32(2));
    packr::bytes cgrf = point.encode();
    packr::value back = packr::value::decode(cgrf);
    if (back != point || packr::value::parse(back.to_text()) != point) {
      std::cerr << "example_cpp: round trip changed the value\n";
      return 1;
    }
    try {
      (void)packr::value::parse("point{x: ");
      std::cerr << "example_cpp: bad text parsed\n";
      return 1;
    } catch (const packr::error &e) {
      if (e.code() != PACKR_RESULT_DECODE) return 1;
    }
    std::cout << "libpackr " << packr::version() << ": " << back.to_text() << " (" << cgrf.size()
              << " bytes of CGRF)\n";
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "example_cpp: " << e.what() << "\n";
    return 1;
  }
}
