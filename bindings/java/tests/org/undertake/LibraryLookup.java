package org.undertake;

/** Prints where the binding found libundertake_c (CTest java_library_beside_jar checks it). */
public final class LibraryLookup {
  private LibraryLookup() {}

  public static void main(String[] args) {
    try (Engine engine = Engine.open()) {
      System.out.println(
          Engine.libraryPath() + " " + Engine.version() + " " + engine.policyInfo().get("name"));
    }
  }
}
