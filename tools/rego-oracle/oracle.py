"""Evaluates Rego with OPA itself, for Palisade's differential tests.

Reads JSON lines on stdin, one case each:
  {"modules": {"name.rego": "source", ...}, "query": "x := data.t.p", "input": {...}}
and writes one JSON line per case:
  {"result": [bindings, ...]} or {"error": "message"}
Modules are Rego v1 (OPA 1.x parses nothing else). A case with the same
modules as the one before reuses its engine.

argv[1]: the folder fetch.sh filled (libopabridge.so).
"""
import ctypes
import json
import sys

lib = ctypes.CDLL(sys.argv[1] + "/libopabridge.so")
lib.OpaNew.restype = ctypes.c_uint64
lib.OpaDestroy.argtypes = [ctypes.c_uint64]
lib.OpaFreeString.argtypes = [ctypes.c_void_p]
lib.OpaAddPolicy.restype = ctypes.c_void_p
lib.OpaAddPolicy.argtypes = [ctypes.c_uint64, ctypes.c_char_p, ctypes.c_char_p]
lib.OpaEvalQuery.restype = ctypes.c_void_p
lib.OpaEvalQuery.argtypes = [ctypes.c_uint64, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]


def call(fn, *args):
    ptr = fn(*args)
    if not ptr:
        return {"error": {"message": "native call returned NULL"}}
    try:
        return json.loads(ctypes.string_at(ptr))
    finally:
        lib.OpaFreeString(ptr)


def message(err):
    return err.get("message", str(err)) if isinstance(err, dict) else str(err)


engine, loaded, load_error = None, None, None
for line in sys.stdin:
    case = json.loads(line)
    modules = case["modules"]
    if modules != loaded:
        if engine is not None:
            lib.OpaDestroy(engine)
        engine, loaded, load_error = lib.OpaNew(), modules, None
        for name, src in sorted(modules.items()):
            env = call(lib.OpaAddPolicy, engine, name.encode(), src.encode())
            if env.get("error"):
                load_error = message(env["error"])
                break
    if load_error is not None:
        out = {"error": load_error}
    else:
        inp = json.dumps(case["input"]).encode() if "input" in case else b""
        env = call(lib.OpaEvalQuery, engine, case["query"].encode(), inp, 0, 0)
        if env.get("error"):
            out = {"error": message(env["error"])}
        else:
            out = {"result": [r.get("bindings", {}) for r in env.get("result") or []]}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
