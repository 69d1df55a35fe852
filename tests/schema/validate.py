#!/usr/bin/env python3
"""Validates rule files against the JSON Schemas they name in "$schema".

    validate.py [--builtin] [--schema SCHEMA] FILE...
    validate.py --self-test

Each FILE is checked against the schema its "$schema" key points at (a path relative to the file),
or against --schema. Problems are printed as "<file>: <JSON pointer>: <reason>"; the last line is
"N passed, M failed" and the exit status is 1 when any file fails.

Uses the `jsonschema` package (Debian: python3-jsonschema) when it is installed, else a built-in
validator for the subset of draft 2020-12 the project's schemas use (--builtin forces it): type,
enum, const, properties, patternProperties, additionalProperties, required, propertyNames,
min/maxProperties, dependentRequired, items, prefixItems, min/maxItems, uniqueItems, minimum,
maximum, exclusiveMinimum/Maximum, multipleOf, min/maxLength, pattern, $ref (to #/$defs/...
and #), allOf, anyOf, oneOf, not, if/then/else. A keyword outside that subset is an error rather
than silently ignored.
"""

import json
import os
import re
import sys

ANNOTATIONS = {
    "$schema", "$id", "$comment", "$defs", "$anchor", "title", "description", "default",
    "examples", "format", "deprecated", "readOnly", "writeOnly", "contentMediaType",
    "contentEncoding",
}
HANDLED = {
    "type", "enum", "const", "properties", "patternProperties", "additionalProperties",
    "required", "propertyNames", "minProperties", "maxProperties", "dependentRequired", "items",
    "prefixItems", "minItems", "maxItems", "uniqueItems", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern",
    "$ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
}


def escape(key):
    return str(key).replace("~", "~0").replace("/", "~1")


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def type_ok(v, t):
    if t == "null":
        return v is None
    if t == "boolean":
        return isinstance(v, bool)
    if t == "integer":
        return is_number(v) and float(v).is_integer()
    if t == "number":
        return is_number(v)
    if t == "string":
        return isinstance(v, str)
    if t == "array":
        return isinstance(v, list)
    if t == "object":
        return isinstance(v, dict)
    raise ValueError("unknown type %r in the schema" % t)


def json_equal(a, b):
    """JSON equality: 1 equals 1.0, but true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


class Builtin:
    def __init__(self, root):
        self.root = root

    def resolve(self, ref):
        if ref == "#":
            return self.root
        if not ref.startswith("#/"):
            raise ValueError("only local references (#/$defs/...) are supported, got %r" % ref)
        node = self.root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def errors(self, v, schema, path="", depth=0):
        out = []
        self.check(v, schema, path, out, depth)
        return out

    def check(self, v, s, path, out, depth):
        if depth > 200:
            raise ValueError("schema recursion too deep at " + path)
        if s is True:
            return
        if s is False:
            out.append((path, "no value is allowed here"))
            return
        unknown = set(s) - HANDLED - ANNOTATIONS
        if unknown:
            raise ValueError("unsupported schema keyword(s) %s (at instance %s)"
                             % (", ".join(sorted(unknown)), path or "/"))
        if "$ref" in s:
            self.check(v, self.resolve(s["$ref"]), path, out, depth + 1)
        if "type" in s:
            types = s["type"] if isinstance(s["type"], list) else [s["type"]]
            if not any(type_ok(v, t) for t in types):
                out.append((path, "%s is not of type %s" % (json.dumps(v, ensure_ascii=False)[:80],
                                                            " or ".join(types))))
                return
        if "enum" in s and not any(json_equal(v, e) for e in s["enum"]):
            out.append((path, "%s is not one of %s" % (json.dumps(v, ensure_ascii=False)[:80],
                                                       json.dumps(s["enum"], ensure_ascii=False)[:200])))
        if "const" in s and not json_equal(v, s["const"]):
            out.append((path, "expected %s" % json.dumps(s["const"], ensure_ascii=False)))
        if is_number(v):
            if "minimum" in s and v < s["minimum"]:
                out.append((path, "%s is less than the minimum %s" % (v, s["minimum"])))
            if "maximum" in s and v > s["maximum"]:
                out.append((path, "%s is greater than the maximum %s" % (v, s["maximum"])))
            if "exclusiveMinimum" in s and v <= s["exclusiveMinimum"]:
                out.append((path, "%s is not greater than %s" % (v, s["exclusiveMinimum"])))
            if "exclusiveMaximum" in s and v >= s["exclusiveMaximum"]:
                out.append((path, "%s is not less than %s" % (v, s["exclusiveMaximum"])))
            if "multipleOf" in s and not float(v / s["multipleOf"]).is_integer():
                out.append((path, "%s is not a multiple of %s" % (v, s["multipleOf"])))
        if isinstance(v, str):
            if "minLength" in s and len(v) < s["minLength"]:
                out.append((path, "%r is shorter than %d" % (v, s["minLength"])))
            if "maxLength" in s and len(v) > s["maxLength"]:
                out.append((path, "%r is longer than %d" % (v, s["maxLength"])))
            if "pattern" in s and not re.search(s["pattern"], v):
                out.append((path, "%r does not match %r" % (v, s["pattern"])))
        if isinstance(v, list):
            prefix = s.get("prefixItems", [])
            for i, item in enumerate(v):
                sub = "%s/%d" % (path, i)
                if i < len(prefix):
                    self.check(item, prefix[i], sub, out, depth + 1)
                elif "items" in s:
                    self.check(item, s["items"], sub, out, depth + 1)
            if "minItems" in s and len(v) < s["minItems"]:
                out.append((path, "expected at least %d item(s), got %d" % (s["minItems"], len(v))))
            if "maxItems" in s and len(v) > s["maxItems"]:
                out.append((path, "expected at most %d item(s), got %d" % (s["maxItems"], len(v))))
            if s.get("uniqueItems"):
                for i in range(len(v)):
                    for j in range(i + 1, len(v)):
                        if json_equal(v[i], v[j]):
                            out.append(("%s/%d" % (path, j), "a duplicate of item %d" % i))
        if isinstance(v, dict):
            props = s.get("properties", {})
            patterns = s.get("patternProperties", {})
            for key, item in v.items():
                sub = path + "/" + escape(key)
                matched = False
                if key in props:
                    matched = True
                    self.check(item, props[key], sub, out, depth + 1)
                for pattern, ps in patterns.items():
                    if re.search(pattern, key):
                        matched = True
                        self.check(item, ps, sub, out, depth + 1)
                if not matched and "additionalProperties" in s:
                    ap = s["additionalProperties"]
                    if ap is False:
                        known = sorted(props)
                        out.append((sub, "unknown property %r%s" % (
                            key, " (expected one of: %s)" % ", ".join(known) if known and len(known) < 60 else "")))
                    else:
                        self.check(item, ap, sub, out, depth + 1)
                if "propertyNames" in s:
                    for p, why in self.errors(key, s["propertyNames"], "", depth + 1):
                        out.append((sub, "property name: " + why))
            for key in s.get("required", []):
                if key not in v:
                    out.append((path + "/" + escape(key), "missing required property %r" % key))
            if "minProperties" in s and len(v) < s["minProperties"]:
                out.append((path, "expected at least %d propert(ies)" % s["minProperties"]))
            if "maxProperties" in s and len(v) > s["maxProperties"]:
                out.append((path, "expected at most %d propert(ies)" % s["maxProperties"]))
            for key, needed in s.get("dependentRequired", {}).items():
                if key in v:
                    for n in needed:
                        if n not in v:
                            out.append((path + "/" + escape(n), "required when %r is present" % key))
        for sub in s.get("allOf", []):
            self.check(v, sub, path, out, depth + 1)
        if "anyOf" in s:
            results = [self.errors(v, sub, path, depth + 1) for sub in s["anyOf"]]
            if all(results):
                best = min(results, key=len)
                out.append((path, "matches none of the %d alternatives (anyOf); closest: %s"
                            % (len(results), "; ".join("%s: %s" % (p or "/", w) for p, w in best[:3]))))
        if "oneOf" in s:
            results = [self.errors(v, sub, path, depth + 1) for sub in s["oneOf"]]
            passing = [i for i, r in enumerate(results) if not r]
            if not passing:
                best = min(results, key=len)
                out.append((path, "matches none of the %d alternatives (oneOf); closest: %s"
                            % (len(results), "; ".join("%s: %s" % (p or "/", w) for p, w in best[:3]))))
            elif len(passing) > 1:
                out.append((path, "matches more than one alternative (oneOf: %s)"
                            % ", ".join(str(i) for i in passing)))
        if "not" in s and not self.errors(v, s["not"], path, depth + 1):
            out.append((path, "matches a schema it must not match (not)"))
        if "if" in s:
            if not self.errors(v, s["if"], path, depth + 1):
                if "then" in s:
                    self.check(v, s["then"], path, out, depth + 1)
            elif "else" in s:
                self.check(v, s["else"], path, out, depth + 1)


def library_validator():
    try:
        import jsonschema  # noqa: F401
        from jsonschema import Draft202012Validator
    except Exception:
        return None
    return Draft202012Validator


def validator(schema, use_library):
    """A function: instance -> [(pointer, message)], with the schema checked and compiled once
    (for checking many instances against one schema)."""
    lib = library_validator() if use_library else None
    if lib is not None:
        lib.check_schema(schema)
        compiled = lib(schema)

        def errors(instance):
            return sorted(("".join("/" + escape(p) for p in e.absolute_path), e.message)
                          for e in compiled.iter_errors(instance))
        return errors
    builtin = Builtin(schema)
    return lambda instance: builtin.errors(instance, schema)


def validate(instance, schema, use_library):
    """[(pointer, message)] for one instance."""
    return validator(schema, use_library)(instance)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def self_test():
    """The built-in validator rejects what it should (it is the fallback: it must not pass all)."""
    schema = {
        "type": "object", "additionalProperties": False, "required": ["a"],
        "properties": {
            "a": {"type": "integer", "minimum": 1, "maximum": 5},
            "b": {"$ref": "#/$defs/b"},
            "c": {"oneOf": [{"type": "string"}, {"type": "number"}]},
            "d": {"type": "array", "items": {"enum": ["x", "y"]}, "minItems": 1},
            "e": {"if": {"const": "approval"}, "then": {"const": "approval"}},
            "f": {"type": "object", "patternProperties": {"^n_": {"type": "number"}},
                  "additionalProperties": False, "propertyNames": {"pattern": "^[a-z_0-9]+$"}},
            "g": {"not": {"const": 0}, "anyOf": [{"type": "boolean"}, {"exclusiveMinimum": 0}]},
        },
        "$defs": {"b": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"}},
    }
    good = {"a": 3, "b": "ok", "c": 1.5, "d": ["x"], "f": {"n_1": 2}, "g": True}
    bad = [
        ({}, "/a"), ({"a": 0}, "/a"), ({"a": 6}, "/a"), ({"a": 2.5}, "/a"), ({"a": True}, "/a"),
        ({"a": 1, "z": 1}, "/z"), ({"a": 1, "b": "x"}, "/b"), ({"a": 1, "b": "AB"}, "/b"),
        ({"a": 1, "c": None}, "/c"), ({"a": 1, "d": []}, "/d"), ({"a": 1, "d": ["q"]}, "/d/0"),
        ({"a": 1, "f": {"m": 1}}, "/f/m"), ({"a": 1, "f": {"n_X": 1}}, "/f/n_X"), ({"a": 1, "f": {"n_x": "s"}}, "/f/n_x"),
        ({"a": 1, "g": 0}, "/g"), ({"a": 1, "g": -1}, "/g"),
    ]
    failures = 0
    if Builtin(schema).errors(good, schema):
        print("self-test: a valid instance was rejected:", Builtin(schema).errors(good, schema))
        failures += 1
    for instance, where in bad:
        errors = Builtin(schema).errors(instance, schema)
        if not any(p == where for p, _ in errors):
            print("self-test: %s should fail at %s, got %s" % (json.dumps(instance), where, errors))
            failures += 1
    print("%d passed, %d failed" % (len(bad) + 1 - failures, failures))
    return 1 if failures else 0


def main(argv):
    use_library = True
    schema_path = None
    files = []
    args = iter(argv)
    for a in args:
        if a == "--builtin":
            use_library = False
        elif a == "--schema":
            schema_path = next(args)
        elif a == "--self-test":
            return self_test()
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            files.append(a)
    if not files:
        print(__doc__)
        return 2
    lib = library_validator() if use_library else None
    if lib is not None:
        try:
            from importlib.metadata import version
            name = "jsonschema " + version("jsonschema")
        except Exception:  # noqa: BLE001
            name = "jsonschema"
    else:
        name = "the built-in subset of draft 2020-12"
    print("validator: " + name)
    passed = failed = 0
    for path in files:
        problems = []
        try:
            instance = load(path)
            target = schema_path
            if target is None:
                ref = instance.get("$schema") if isinstance(instance, dict) else None
                if not isinstance(ref, str):
                    raise ValueError('no "$schema" key naming the schema of this file')
                target = os.path.join(os.path.dirname(path), ref)
            schema = load(target)
            problems = ["%s: %s: %s" % (path, p or "/", why) for p, why in validate(instance, schema, use_library)]
        except Exception as e:  # noqa: BLE001 - every problem is reported, the run goes on
            problems = ["%s: %s" % (path, e)]
        if problems:
            failed += 1
            for p in problems:
                print(p)
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
