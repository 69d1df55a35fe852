package org.undertake;

import com.sun.jna.Callback;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The C API (include/undertake/undertake.h) through JNA direct mapping: one static native method
 * per C function, bound once when the class loads.
 *
 * <p>Strings going in are NUL-terminated UTF-8 {@code byte[]} ({@link Text#utf8z}), so that no
 * platform encoding is involved. Every {@code char**} and {@code ut_*} out parameter is a {@code
 * long[1]} that receives the pointer (64-bit hosts only), so a call allocates no native memory of
 * its own; every string the library returns is copied and released with {@code ut_free} at once
 * ({@link Text#take}).
 *
 * <p>The library is found, in order: the system property {@code undertake.library} or the
 * environment variable {@code UNDERTAKE_LIBRARY} (a file, or a directory holding it); a copy next
 * to undertake.jar; {@code jna.library.path}; the system's library path (LD_LIBRARY_PATH,
 * ldconfig).
 */
final class Native {
  private Native() {}

  static final String ENV_VAR = "UNDERTAKE_LIBRARY";
  static final String PROPERTY = "undertake.library";
  private static final String NAME = "undertake_c";

  /** Where the library was loaded from. */
  static final String LIBRARY_PATH;

  static {
    if (com.sun.jna.Native.POINTER_SIZE != 8) {
      throw new UnsatisfiedLinkError("undertake's Java binding needs a 64-bit JVM");
    }
    NativeLibrary library = load();
    LIBRARY_PATH = library.getFile() == null ? library.getName() : library.getFile().getPath();
    com.sun.jna.Native.register(Native.class, library);
  }

  private static NativeLibrary load() {
    List<String> tried = new ArrayList<>();
    for (String explicit : new String[] {System.getProperty(PROPERTY), System.getenv(ENV_VAR)}) {
      if (explicit == null || explicit.isEmpty())
        continue;
      Path path = Path.of(explicit);
      if (Files.isDirectory(path))
        path = path.resolve(System.mapLibraryName(NAME));
      return NativeLibrary.getInstance(path.toAbsolutePath().toString());
    }
    Path besideJar = besideJar();
    if (besideJar != null && Files.isRegularFile(besideJar)) {
      return NativeLibrary.getInstance(besideJar.toString());
    }
    tried.add(besideJar == null ? "(no jar)" : besideJar.toString());
    try {
      return NativeLibrary.getInstance(NAME); // jna.library.path, then the system's search
    } catch (UnsatisfiedLinkError e) {
      throw new UnsatisfiedLinkError("cannot find lib" + NAME + ": set -D" + PROPERTY + "=PATH or "
          + ENV_VAR + "=PATH, put it next to undertake.jar, on jna.library.path or the system's"
          + " library path (tried " + tried + "; " + e.getMessage() + ")");
    }
  }

  private static Path besideJar() {
    try {
      var source = Native.class.getProtectionDomain().getCodeSource();
      if (source == null)
        return null;
      File location = new File(source.getLocation().toURI());
      File dir = location.isFile() ? location.getParentFile() : location;
      return dir.toPath().resolve(System.mapLibraryName(NAME));
    } catch (URISyntaxException | SecurityException e) {
      return null;
    }
  }

  // Callbacks (strings arrive as borrowed pointers, decoded as UTF-8 by the binding).
  interface RuleFn extends Callback {
    int invoke(Pointer userData, Pointer facts, Pointer event, Pointer actor, Pointer verdict);
  }

  interface ListenerFn extends Callback {
    void invoke(Pointer userData, Pointer caseId, Pointer event, int accepted, Pointer outcome);
  }

  interface KpiFn extends Callback {
    int invoke(Pointer userData, Pointer ledgers, Pointer period, Pointer value, Pointer hasValue);
  }

  static native Pointer ut_status_name(int status);

  static native Pointer ut_last_error();

  static native Pointer ut_last_error_kind();

  static native Pointer ut_last_error_where();

  static native Pointer ut_version();

  static native void ut_free(Pointer p);

  static native int ut_engine_open_default(long[] out);

  static native int ut_engine_open(byte[] policyPath, long[] out);

  static native int ut_engine_open_json(byte[] policyJson, long[] out);

  static native void ut_engine_close(Pointer e);

  static native int ut_engine_load_policy(Pointer e, byte[] policyPath);

  static native int ut_engine_load_policy_json(Pointer e, byte[] policyJson);

  static native int ut_engine_reload(Pointer e);

  static native int ut_engine_load_policy_patch(Pointer e, byte[] patch);

  static native int ut_engine_policy_info(Pointer e, long[] out);

  static native int ut_policy_builtin_json(long[] out);

  static native int ut_engine_set_limits(Pointer e, long maxJsonBytes, int maxJsonDepth);

  static native int ut_engine_set_rule_limits(
      Pointer e, long maxDepth, long maxSteps, long maxItems);

  static native int ut_verdict_set_message(Pointer v, byte[] message);

  static native int ut_verdict_set_details(Pointer v, byte[] detailsJson);

  static native int ut_engine_register_rule(Pointer e, byte[] name, RuleFn fn, Pointer userData);

  static native int ut_engine_set_listener(Pointer e, ListenerFn fn, Pointer userData);

  static native int ut_case_create(Pointer e, byte[] caseId, byte[] dataJson, long[] out);

  static native int ut_case_restore(Pointer e, byte[] snapshotJson, long[] out);

  static native int ut_case_replay(Pointer e, byte[] ledgerJson, long[] out);

  static native void ut_case_free(Pointer c);

  static native int ut_case_fire(
      Pointer c, byte[] event, byte[] actorJson, byte[] payloadJson, byte[] at, long[] outcome);

  static native int ut_case_fire_if_revision(Pointer c, long expectedRevision, byte[] event,
      byte[] actorJson, byte[] payloadJson, byte[] at, long[] outcome);

  static native int ut_case_state(Pointer c, long[] out);

  static native int ut_case_id(Pointer c, long[] out);

  static native int ut_case_revision(Pointer c, long[] out);

  static native int ut_case_snapshot(Pointer c, long[] out);

  static native int ut_case_available(Pointer c, byte[] actorJson, long[] out);

  static native int ut_case_ledger(Pointer c, long[] out);

  static native int ut_case_record(Pointer c, long[] out);

  static native int ut_case_risk(Pointer c, long[] out);

  static native int ut_case_deadlines(Pointer c, long[] out);

  static native int ut_case_tick(Pointer c, byte[] now, long[] out);

  static native int ut_engine_register_kpi(
      Pointer e, byte[] kpiId, byte[] definitionJson, KpiFn fn, Pointer userData);

  static native int ut_engine_kpi(Pointer e, byte[] ledgersJson, byte[] periodJson, long[] out);

  static native int ut_case_verify(Pointer e, byte[] snapshotJson, long[] out);

  static native int ut_engine_set_host_key(Pointer e, byte[] key, long keySize);

  static native int ut_store_open(byte[] uri, long[] out);

  static native void ut_store_close(Pointer s);

  static native int ut_store_create(Pointer s, Pointer c);

  static native int ut_store_load(Pointer s, Pointer e, byte[] caseId, long[] out);

  static native int ut_store_save(Pointer s, Pointer c, long expectedRevision);

  static native int ut_store_fire(Pointer s, Pointer e, byte[] caseId, byte[] event,
      byte[] actorJson, byte[] payloadJson, byte[] at, byte[] requestId, long[] outcome);

  static native int ut_store_list(Pointer s, byte[] filterJson, long[] out);

  static native int ut_store_inbox_query(Pointer s, Pointer e, byte[] queryJson, long[] out);

  static native int ut_store_ledger(Pointer s, byte[] caseId, long[] out);

  static native int ut_store_changes(Pointer s, long after, long limit, long[] out);

  static native int ut_store_tick(Pointer s, Pointer e, byte[] now, long[] out);

  static native int ut_store_kpi(Pointer s, Pointer e, byte[] periodJson, long[] out);

  static native int ut_store_verify(Pointer s, Pointer e, byte[] caseId, long[] out);
}
