#!/bin/sh
# CTest java_library_jna_path: undertake.jar copied where no library lies beside it finds
# libundertake_c through -Djna.library.path.
#   library-path-test.sh JAVA UNDERTAKE_JAR TESTS_JAR LIBRARY_DIR
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$2" "$dir/undertake.jar"
unset UNDERTAKE_LIBRARY
"$1" -Djna.library.path="$4" -cp "$dir/undertake.jar:$3" org.undertake.LibraryLookup
