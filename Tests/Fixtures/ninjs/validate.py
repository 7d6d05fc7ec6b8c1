#!/usr/bin/env python3
"""Validates ninjs documents (files) against the ninjs 3.1 schema beside this script.
Works with jsonschema 4.18+ (referencing) and with older releases such as Debian 12's (RefResolver)."""
import json, sys, pathlib
import jsonschema

here = pathlib.Path(__file__).resolve().parent
schema = json.loads((here / "ninjs-schema_3.1.json").read_text())
geo = json.loads((here / "GeoJSON-schema.json").read_text())
cls = jsonschema.validators.validator_for(schema)
try:
    import referencing, referencing.jsonschema
    resources = [(schema["$id"], referencing.Resource.from_contents(schema, default_specification=referencing.jsonschema.DRAFT202012))]
    if "$id" in geo:
        resources.append((geo["$id"], referencing.Resource.from_contents(geo, default_specification=referencing.jsonschema.DRAFT7)))
    validator = cls(schema, registry=referencing.Registry().with_resources(resources))
except ImportError:
    store = {schema["$id"]: schema}
    if "$id" in geo:
        store[geo["$id"]] = geo
    validator = cls(schema, resolver=jsonschema.RefResolver.from_schema(schema, store=store))

bad = 0
for path in sys.argv[1:]:
    for error in list(validator.iter_errors(json.load(open(path))))[:5]:
        print(f"{path}: invalid at /{'/'.join(map(str, error.path))}: {error.message[:200]}")
        bad += 1
sys.exit(1 if bad else 0)
