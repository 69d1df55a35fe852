"""Errors: the library's last error read whole and first, its parts in the exceptions, status
names from the library, Closed for whatever was closed."""
import ctypes
import os
import tempfile
import unittest

import undertake
from undertake import _native

from support import DATA, MARKET, SALES

_READERS = frozenset({"ut_last_error", "ut_last_error_kind", "ut_last_error_where",
                      "ut_last_error_status"})


class HeldToItsWord:
    """The C library held to its header's word on ut_last_error(): "valid until the next call
    into the library on this thread". Before every call other than the ut_last_error* readers,
    it clears the thread's last error the way the library's own calls do (a real call that
    succeeds: ut_engine_set_limits on a spare engine), so a binding that calls anything (ut_free
    of an output, ut_case_free, ...) between a failing call and reading its error reads "" and
    the assertions on the message fail. It also notes every call made in that window."""

    def __init__(self, real):
        self._real = real
        self._spare = ctypes.c_void_p()
        assert real.ut_engine_open_default(ctypes.byref(self._spare)) == _native.UT_OK
        self._failed = None
        self.between = []  # (the call that failed, a call made before its error was read)

    def close(self):
        self._real.ut_engine_close(self._spare)

    def __getattr__(self, name):
        fn = getattr(self._real, name)
        if name in _READERS:
            def read(*args):
                self._failed = None
                return fn(*args)
            return read

        def call(*args):
            if self._failed:
                self.between.append((self._failed, name))
            assert self._real.ut_engine_set_limits(self._spare, 0, 0) == _native.UT_OK
            result = fn(*args)
            failed = fn.restype is ctypes.c_int and result < 0
            self._failed = name if failed else None
            return result
        return call


class ErrorReadFirstTest(unittest.TestCase):
    def setUp(self):
        self.real = _native.lib()
        self.lib = HeldToItsWord(self.real)
        _native._lib = self.lib  # every object made from here on calls through it

    def tearDown(self):
        _native._lib = self.real
        self.lib.close()

    def assertReported(self, cls, fn, kind, where, words):
        with self.assertRaises(cls) as caught:
            fn()
        error = caught.exception
        self.assertEqual((error.kind, error.where), (kind, where))
        self.assertIn(words, error.message)
        self.assertEqual(self.lib.between, [])
        return error

    def test_the_error_survives_until_the_binding_has_read_it(self):
        self.assertReported(undertake.PolicyError, lambda: undertake.Engine({"roles": 3}),
                            "invalid_policy", "", "policy.json")
        engine = undertake.Engine()
        self.assertIs(engine._lib, self.lib)
        self.assertReported(undertake.InvalidJson, lambda: engine.create_case("X-1", "{no"),
                            "invalid_json", "data:1:2", "not valid JSON")
        case = engine.create_case("X-1", DATA)
        self.assertReported(undertake.Conflict, lambda: engine.create_case("X-1", DATA),
                            "conflict", "case X-1", "already open")
        self.assertReported(undertake.InvalidJson,
                            lambda: case.fire("intake.forward", MARKET, [1], "2026-03-02"),
                            "invalid_json", "payload", "expected a JSON object")
        self.assertReported(undertake.Conflict,
                            lambda: case.fire("intake.forward", MARKET, None, "2026-03-02",
                                              expected_revision=4),
                            "conflict", "case X-1", "expected revision 4")
        self.assertReported(undertake.SnapshotError,
                            lambda: engine.restore({"format": "undertake.snapshot"}),
                            "invalid_snapshot", "snapshot: /format_version", "missing")
        engine.close()
        self.assertReported(undertake.Closed,
                            lambda: case.fire("intake.forward", MARKET, None, "2026-03-02"),
                            "closed", "the case's engine was closed (ut_engine_close)",
                            "read-only")
        case.close()

    def test_a_store_error_is_read_first_too(self):
        with tempfile.TemporaryDirectory() as tmp, undertake.Engine() as engine, \
                undertake.Store.open(os.path.join(tmp, "cases.db")) as store:
            self.assertReported(undertake.NotFound,
                                lambda: store.fire(engine, "SO-404", "intake.forward", MARKET,
                                                   at="2026-03-02"),
                                "not_found", "case SO-404", "SO-404")

    def test_the_check_itself_would_fail_a_binding_that_calls_in_between(self):
        # The same failing call, then a ut_free before reading: the message is gone. This is
        # what the assertions above guard against.
        engine = undertake.Engine()
        handle = ctypes.c_void_p()
        status = self.lib.ut_case_create(engine._h(), b"Y-1", b"{no", ctypes.byref(handle))
        self.assertEqual(status, _native.UT_E_INVALID_JSON)
        self.lib.ut_free(None)
        self.assertEqual(self.lib.between, [("ut_case_create", "ut_free")])
        self.assertEqual(self.lib.ut_last_error(), b"")
        engine.close()


class LastErrorTest(unittest.TestCase):
    def test_a_call_in_between_replaces_the_last_error(self):
        # Why the binding reads the error first: every call that returns a status replaces the
        # thread's last error (a success clears it). The functions that return nothing, like the
        # ut_engine_close a garbage-collected Engine makes, leave it as it was.
        lib = _native.lib()
        spare = ctypes.c_void_p()
        self.assertEqual(lib.ut_engine_open_default(ctypes.byref(spare)), _native.UT_OK)
        out = ctypes.c_void_p()
        status = lib.ut_case_create(spare, b"", b"{}", ctypes.byref(out))
        self.assertEqual(status, _native.UT_E_INVALID_ARGUMENT)
        message = lib.ut_last_error()
        self.assertNotEqual(message, b"")
        self.assertEqual(lib.ut_last_error_status(), status)
        lib.ut_engine_close(spare)
        self.assertEqual((lib.ut_last_error(), lib.ut_last_error_status()), (message, status))
        other = ctypes.c_void_p()
        self.assertEqual(lib.ut_engine_open_default(ctypes.byref(other)), _native.UT_OK)
        self.assertEqual((lib.ut_last_error(), lib.ut_last_error_kind(),
                          lib.ut_last_error_status()), (b"", b"", _native.UT_OK))
        lib.ut_engine_close(other)


class StatusNameTest(unittest.TestCase):
    def test_names_come_from_the_library(self):
        lib = _native.lib()
        for cls in (undertake.InvalidArgument, undertake.InvalidJson, undertake.PolicyError,
                    undertake.SnapshotError, undertake.NotFound, undertake.Conflict,
                    undertake.LimitExceeded, undertake.RuleError, undertake.IOFailure,
                    undertake.OutOfMemory, undertake.Closed, undertake.InternalError):
            error = cls("x")
            self.assertEqual(error.status_name, lib.ut_status_name(cls.status).decode())
            self.assertTrue(error.status_name.startswith("UT_E_"), error.status_name)
        self.assertEqual(undertake.Closed("x").status_name, "UT_E_CLOSED")
        self.assertEqual(undertake.UndertakeError("x", 42).status_name, "UT_UNKNOWN")

    def test_a_refusal_names_its_event(self):
        with undertake.Engine() as engine:
            case = engine.create_case("R-1", DATA)
            with self.assertRaises(undertake.Refused) as caught:
                case.fire_or_raise("intake.forward", SALES, at="2026-03-02")
            error = caught.exception
            self.assertEqual((error.status_name, error.kind, error.where),
                             ("UT_REFUSED", "refused", "intake.forward"))
            self.assertEqual(error.reasons[0].kind, "role")


class ClosedTest(unittest.TestCase):
    def test_whatever_was_closed_raises_closed(self):
        engine = undertake.Engine()
        case = engine.create_case("C-1", DATA)
        with tempfile.TemporaryDirectory() as tmp:
            store = undertake.Store.open(os.path.join(tmp, "cases.db"))
            store.create(case)
            engine.close()
            with self.assertRaises(undertake.Closed):  # a store given a closed engine
                store.fire(engine, "C-1", "intake.forward", MARKET, at="2026-03-02")
            self.assertEqual([c["case_id"] for c in store.list()], ["C-1"])
            store.close()
        with self.assertRaises(undertake.Closed):
            store.list()
        for use in (lambda: engine.create_case("C-2", DATA), lambda: engine.policy_info,
                    lambda: case.fire("intake.forward", MARKET, None, "2026-03-02"),
                    lambda: case.tick("2026-03-02")):
            with self.assertRaises(undertake.Closed) as caught:
                use()
            self.assertEqual(caught.exception.status_name, "UT_E_CLOSED")
        self.assertEqual(case.state, ["Intake.Registered"])  # still readable
        case.close()
        with self.assertRaises(undertake.Closed) as caught:
            case.snapshot()
        self.assertEqual(caught.exception.where, "C-1")


if __name__ == "__main__":
    unittest.main()
