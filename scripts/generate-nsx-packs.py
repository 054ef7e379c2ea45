#!/usr/bin/env python3
"""Writes rules/generated/nsx-policy.json and rules/generated/nsx-manager.json: one rule-pack type
for every type of VMware's NSX Policy and Manager API models (reference/nsx/*.whl, the 4.2.0
Python bindings), in the pack language of docs/rule-packs.md.

Per type, from the model's binding (`_set_binding_type(type.StructType(...))`) and its docstrings:
the closed list of fields; each field's JSON type, list item type and member type (a
`ReferenceType` to another struct); enum values ("Possible values are", resolved through the
class constants); int32 ranges ("format: int32"); required fields (a binding that is not
`OptionalType`); read-only fields ("if it is present in a request to server it will be ignored",
`_revision` excepted); deprecations (".. deprecated::" or "this field is deprecated", with the
replacement when the docstring names another field); the base of a subtype (the polymorphic
`resource_type` values a class lists); `references` for path-valued fields; and
`recognize: {"resource_type": NAME}` for types that carry a `resource_type`.

Hand-written packs win: a model type whose name a pack in rules/*.json declares, or whose name
such a type recognises as its resource_type, is not generated (the hand-written type is what
other types' `member` then names). A generated type that has every field of the hand-written
`nsx.ManagedResource` includes it instead of repeating those fields, so it keeps that type's
limits and its check (`path-ends-with-id`). The model's prose is not copied: only facts.

Layout: one pack per model, its types sorted by name, one type per line, so that a loader can
find a type's line by its name without parsing the rest, and a regenerated file's diff shows the
types that changed. Uses Python's standard library only.

    scripts/generate-nsx-packs.py            # write the files
    scripts/generate-nsx-packs.py --check    # exit 1 when a checked-in file is stale
"""
import ast
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "rules/generated"
MODELS = [
    # (pack name, wheel, module, what the descriptions call the model)
    ("nsx-policy", "reference/nsx/nsx_policy_python_sdk-4.2.0-py2.py3-none-any.whl",
     "com/vmware/nsx_policy/model_client.py", "VMware NSX Policy API 4.2 model"),
    ("nsx-manager", "reference/nsx/nsx_python_sdk-4.2.0-py2.py3-none-any.whl",
     "com/vmware/nsx/model_client.py", "VMware NSX Manager API 4.2 model"),
]
# The hand-written type a generated type includes when it has all of its fields.
MANAGED_RESOURCE = "nsx.ManagedResource"

CLASS = re.compile(r"^class (\w+)\(VapiStruct\):", re.M)
CONSTANT = re.compile(r'^    ([A-Z][A-Z0-9_]*) = "([^"]*)"', re.M)
CANONICAL = re.compile(r"^\s+'([^']+)': '([^']+)',$", re.M)
PARAM = re.compile(r"^\s+:param (\w+): ?(.*?)(?=^\s+:type |^\s+\"\"\")", re.M | re.S)
BINDING_FIELD = re.compile(r"^        '([^']+)': (type\..*),$", re.M)
POSSIBLE_VALUE = re.compile(r"\* :attr:`(\w+)\.(\w+)`")
READ_ONLY = "if it is present in a request to server it will be ignored"
INT32 = (-2147483648, 2147483647)
# What the generator counts, per pack.
STATS = ("types", "fields", "enums", "int32", "readOnly", "deprecated", "deprecatedValues", "references", "required", "recognized", "subtypes")
# Names a deprecation's replacement may be introduced by ("use connectivity_preference instead").
REPLACEMENT = re.compile(r"\b(?:[Uu]se|replaced (?:by|with)|in favou?r of|instead of it,? use|recommended to use)\s+(?:the\s+)?[`'\"]?(\w+)")
FIELD_DEPRECATED = re.compile(r"\.\. deprecated::|\b(?:this|the) (?:field|property|attribute|parameter) (?:is|has been) deprecated\b|^Deprecated\b", re.I)
# Path-valued fields that are no references: the object's own paths, set by the server.
OWN_PATHS = {"path", "parent_path", "relative_path", "remote_path"}
# The rule and group fields of firewall-like rules: policy paths by the model's docstrings,
# though their names do not end in _path(s).
PATH_LIST_FIELDS = {"source_groups", "destination_groups", "services", "scope"}
# A path step in a docstring's example path ("/infra/tier-0s/vmc"): the collection it names.
EXAMPLE_PATH = re.compile(r"/(?:infra|global-infra|orgs)(?:/[\w.-]+)*")
# Collections of common path fields whose docstrings give no example path.
KNOWN_COLLECTIONS = {
    "tier0": "tier-0s", "tier1": "tier-1s", "edge_cluster": "edge-clusters", "segment": "segments",
    "group": "groups", "service": "services", "domain": "domains", "transport_zone": "transport-zones",
    "ipv6_profile": "ipv6-profiles", "dhcp_config": "dhcp-server-configs", "qos_profile": "qos-profiles",
    "context_profile": "context-profiles", "ip_pool": "ip-pools", "certificate": "certificates",
    "edge_node": "edge-nodes", "source_groups": "groups", "destination_groups": "groups", "services": "services",
}


def parse_binding(node):
    """A binding expression (ast) → (optional, FIELD, member target or None, polymorphic)."""
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute), ast.dump(node)
    kind = node.func.attr
    if kind == "OptionalType":
        _, field = parse_binding(node.args[0])
        return True, field
    if kind == "StringType":
        return False, {"type": "string"}
    if kind == "IntegerType":
        return False, {"type": "integer"}
    if kind == "DoubleType":
        return False, {"type": "number"}
    if kind == "BooleanType":
        return False, {"type": "boolean"}
    if kind == "ListType":
        _, items = parse_binding(node.args[0])
        return False, {"type": "array", "items": items}
    if kind == "ReferenceType":
        target = node.args[1].value
        return False, {"type": "object", "member": target}
    if kind == "DynamicStructType":
        # Polymorphic: the value names its own resource_type, and discovery checks it as that
        # type; its base (if any) is not the type to check it as.
        return False, {"type": "object"}
    raise ValueError(f"unknown binding {kind}")


def normalized(text):
    return " ".join(text.split())


def read_model(text):
    """Every struct of a model: name → {constants, params (by canonical name), fields}."""
    starts = [(m.start(), m.group(1)) for m in CLASS.finditer(text)]
    classes = {}
    for (start, name), (end, _) in zip(starts, starts[1:] + [(len(text), "")]):
        body = text[start:end]
        constants = dict(CONSTANT.findall(body))
        canonical_block = body[body.find("_canonical_to_pep_names"):body.find("def __init__")]
        pep_to_canonical = {pep: canonical for canonical, pep in CANONICAL.findall(canonical_block)}
        init = body.find("def __init__")
        doc_start = body.find('"""', init)
        doc_end = body.find('"""', doc_start + 3)
        params = {}
        for pep, param_text in PARAM.findall(body[doc_start:doc_end + 3]):
            params[pep_to_canonical.get(pep, pep)] = param_text
        binding_start = body.find(f"{name}._set_binding_type(type.StructType(")
        assert binding_start >= 0, name
        fields = {}
        for field_name, expression in BINDING_FIELD.findall(body, binding_start):
            optional, spec = parse_binding(ast.parse(expression, mode="eval").body)
            fields[field_name] = (optional, spec)
        classes[name] = {"constants": constants, "params": params, "fields": fields}
    return classes


def subtypes_of(classes):
    """Base → its subtypes: the RESOURCE_TYPE_… values a class lists other than its own name."""
    result = {}
    for name, c in classes.items():
        values = {v for k, v in c["constants"].items() if k.startswith("RESOURCE_TYPE_") and v != name}
        if values:
            result[name] = values
    return result


def enum_values(param_text, owner, classes):
    values = []
    for class_name, constant in POSSIBLE_VALUE.findall(param_text):
        value = classes.get(class_name, {}).get("constants", {}).get(constant)
        if value is not None and value not in values:
            values.append(value)
    return values


def sentences(text):
    return re.split(r"(?<=[.;])\s+", text)


def field_deprecated(field_name, text):
    """".. deprecated::", "This field is deprecated", or the field named in words ("The
    connectivity strategy is deprecated")."""
    if FIELD_DEPRECATED.search(text):
        return True
    words = field_name.strip("_").replace("_", " ")
    return re.search(rf"\b(?:the )?{re.escape(words)} (?:field |property )?(?:is|has been) deprecated\b", text, re.I) is not None


def deprecated_values(values, text):
    """Enum values a sentence of the docstring calls deprecated ("protocol NBNS_BROADCAST and
    NBDG_BROADCAST are deprecated"): named before "is/are deprecated" in that sentence."""
    found = []
    for sentence in sentences(text):
        match = re.search(r"\b(?:is|are|has been|have been) deprecated\b", sentence)
        if not match:
            continue
        before = set(re.findall(r"[A-Za-z0-9_]+", sentence[:match.start()]))
        found += [v for v in values if v in before and v not in found]
    return found


def collection_for(field_name, param_text):
    """The collection a path field points into: the last collection step of an example path in
    its docstring, a known one for common names, else the field's own name."""
    for example in EXAMPLE_PATH.findall(param_text):
        steps = [s for s in example.strip("/").split("/") if s]
        # /infra/tier-0s/vmc → tier-0s: collections and ids alternate after the root.
        if len(steps) >= 3 and len(steps) % 2 == 1:
            return steps[-2]
        if len(steps) >= 2 and len(steps) % 2 == 0:
            return steps[-1]
    stem = re.sub(r"_paths?$", "", field_name)
    return KNOWN_COLLECTIONS.get(stem, field_name)


def is_path_field(field_name, spec, param_text):
    if field_name in OWN_PATHS:
        return False
    is_strings = spec["type"] == "string" or (spec["type"] == "array" and spec["items"]["type"] == "string")
    if not is_strings:
        return False
    if field_name.endswith("_path") or field_name.endswith("_paths"):
        # File-system and URL paths are no policy paths.
        lowered = param_text.lower()
        return not any(word in lowered for word in ("file path", "url path", "uri path", "directory", "http path", "cookie"))
    return field_name in PATH_LIST_FIELDS and spec["type"] == "array"


def build_type(name, classes, bases, model_title, type_names, member_names, handwritten_fields, stats):
    """The pack type for model class `name`: called `type_names[name]`, naming its members by
    `member_names` (the hand-written type, where one wins)."""
    c = classes[name]
    fields_out = {}
    required = []
    own_fields = set(c["fields"])
    includes_managed = set(handwritten_fields) <= own_fields
    for field_name, (optional, spec) in c["fields"].items():
        if includes_managed and field_name in handwritten_fields:
            continue
        param_text = normalized(c["params"].get(field_name, ""))
        spec = json.loads(json.dumps(spec))
        stats["fields"] += 1
        target = spec if spec["type"] != "array" else spec["items"]
        # Member types by the name they are checked as; a type the model does not declare is
        # left a plain object.
        for holder in (spec, spec.get("items") or {}):
            if "member" in holder:
                member = holder["member"]
                if member in member_names:
                    holder["member"] = member_names[member]
                else:
                    del holder["member"]
        if field_name != "resource_type" and target["type"] == "string":
            values = enum_values(c["params"].get(field_name, ""), name, classes)
            if values:
                target["enum"] = values
                stats["enums"] += 1
        if target["type"] == "integer" and "format: int32" in param_text:
            target["minimum"], target["maximum"] = INT32
            stats["int32"] += 1
        if READ_ONLY in param_text and field_name != "_revision":
            spec["readOnly"] = True
            stats["readOnly"] += 1
        if field_deprecated(field_name, param_text):
            replacement = next((m for m in REPLACEMENT.findall(param_text) if m in own_fields and m != field_name), None)
            spec["deprecated"] = f"the {model_title} marks {name}.{field_name} deprecated" + (f"; use {replacement} instead" if replacement else "")
            stats["deprecated"] += 1
        if "enum" in target:
            values = deprecated_values(target["enum"], param_text)
            if values:
                target["deprecatedValues"] = {v: f"the {model_title} marks it deprecated for {name}.{field_name}" for v in values}
                stats["deprecatedValues"] += len(values)
        if not spec.get("readOnly") and is_path_field(field_name, spec, param_text):
            target["references"] = collection_for(field_name, param_text)
            stats["references"] += 1
        if not optional:
            required.append(field_name)
            stats["required"] += 1
        # Keys in the order the pack language documents them.
        order = ["type", "enum", "minimum", "maximum", "readOnly", "deprecated", "deprecatedValues", "member", "items", "references"]
        fields_out[field_name] = {k: spec[k] for k in order if k in spec}
    own_name = type_names[name]
    description = f"{model_title}: {name}"
    if own_name != name and own_name.endswith(".model"):
        description += f" (the hand-written {name} checks it; this is its complete field list, to include)"
    out = {"name": own_name, "description": description}
    # Only the type called by the model's name claims the resource_type.
    if "resource_type" in c["fields"] and own_name == name:
        out["recognize"] = {"resource_type": name}
        stats["recognized"] += 1
    if includes_managed:
        out["include"] = [MANAGED_RESOURCE]
    # A NAME.model type is no subtype of its own: the hand-written type says its base.
    if name in bases and own_name == type_names.get(name) and not own_name.endswith(".model"):
        out["base"] = bases[name]
        stats["subtypes"] += 1
    out["closed"] = True
    out["fields"] = fields_out
    if required:
        out["required"] = required
    return out


def same_as_policy(classes, overlap, type_names, member_names, policy_types, managed_fields, title):
    """Of the Manager classes `overlap` that the Policy model also has, those it declares alike
    (the same fields, types, enums, members): one naming a member that differs is itself
    different, to a fixed point. `policy_types`: the Policy pack's types by class name."""
    def comparable(t):
        t = {k: v for k, v in t.items() if k not in ("name", "description", "recognize", "base")}
        # Deprecations name their model: compared as if both named the Policy model.
        return re.sub(r'\.manager"', '"', json.dumps(t, sort_keys=True)).replace(title, MODELS[0][3])
    scratch = {k: 0 for k in STATS}
    built = {n: build_type(n, classes, {}, title, type_names, member_names, managed_fields, scratch) for n in overlap}
    same = {n for n, t in built.items() if comparable(t) == comparable(policy_types[n])}
    while True:
        different = overlap - same
        keep = {n for n in same if not any(m in different for m in re.findall(r'"member":"([^"]+)\.manager"', json.dumps(built[n], separators=(",", ":"))))}
        if keep == same:
            return same
        same = keep


def handwritten():
    """The names the hand-written packs claim (their types' names and the resource_types they
    recognise), and the fields of nsx.ManagedResource."""
    names, managed_fields = set(), None
    for path in sorted((ROOT / "rules").glob("*.json")):
        pack = json.loads(path.read_text(encoding="utf-8"))
        for t in pack.get("types", []):
            names.add(t["name"])
            recognized = (t.get("recognize") or {}).get("resource_type")
            if recognized and recognized != "*":
                names.add(recognized)
            if t["name"] == MANAGED_RESOURCE:
                managed_fields = set(t["fields"])
    assert managed_fields, f"{MANAGED_RESOURCE} is not in rules/*.json"
    return names, managed_fields


def render():
    claimed, managed_fields = handwritten()
    models = []
    for pack_name, wheel, module, title in MODELS:
        with zipfile.ZipFile(ROOT / wheel) as archive:
            models.append((pack_name, title, read_model(archive.read(module).decode("utf-8"))))
    policy_types = {}
    outputs, report = {}, []
    for index, (pack_name, title, classes) in enumerate(models):
        # A model type the hand-written packs claim is generated as NAME.model, without
        # recognising anything: the hand-written type checks such objects and may include it for
        # its complete field list; other types' members name the hand-written type.
        type_names = {n: n + ".model" if n in claimed else n for n in classes}
        member_names = {n: n for n in classes}
        # A Manager type whose name the Policy model also has: when it is the same type (the
        # same fields, alike), the Policy one serves both and it is not generated again; else it
        # is generated as NAME.manager (two types cannot share a name), and only the Policy one
        # recognises the resource_type.
        overlap = {n for n in classes if n in policy_types} if index > 0 else set()
        for n in overlap:
            type_names[n] = policy_types[n]["name"] + ".manager"
            member_names[n] = n if n in claimed else type_names[n]
        shared = same_as_policy(classes, overlap, type_names, member_names, policy_types, managed_fields, title) if overlap else set()
        for n in shared:
            type_names[n] = policy_types[n]["name"]
            member_names[n] = n if n in claimed else type_names[n]
        subtypes = subtypes_of(classes)
        # A subtype's base: the base listing it with the fewest subtypes (the nearest one: the
        # model also lists every type under its abstract roots).
        bases = {}
        for base, values in sorted(subtypes.items(), key=lambda item: (len(item[1]), item[0])):
            for value in values:
                if value in classes and value not in bases:
                    bases[value] = base
        stats = {k: 0 for k in STATS}
        types = {}
        for name in sorted(classes):
            if name in shared:
                continue
            types[name] = build_type(name, classes, bases, title, type_names, member_names, managed_fields, stats)
            stats["types"] += 1
        if index == 0:
            policy_types = types
        claimed_here = sorted(n for n in classes if n in claimed)
        header = {
            "pack": f"generated/{pack_name}",
            "description": f"Every type of the {title} (vmware/vsphere-automation-sdk-python 4.2.0, model_client.py; MIT): "
                           "fields, JSON types, enums, int32 ranges, required, read-only and deprecated fields, subtypes, references. "
                           "Generated by scripts/generate-nsx-packs.py from reference/nsx/; do not edit. "
                           f"The hand-written packs check {', '.join(claimed_here) or 'none of its types'}: those are NAME.model here"
                           + (", and types the Policy model declares alike are not repeated." if index > 0 else "."),
        }
        lines = [json.dumps(t, separators=(",", ":"), ensure_ascii=False) for t in sorted(types.values(), key=lambda t: t["name"])]
        text = "{\n" + ",\n".join(f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False)}" for k, v in header.items()) \
            + ',\n"types":[\n' + ",\n".join(lines) + "\n]}\n"
        outputs[OUTPUT_DIR / f"{pack_name}.json"] = text
        report.append((pack_name, stats, claimed_here, len(overlap - shared), len(shared)))
    return outputs, report


if __name__ == "__main__":
    outputs, report = render()
    if sys.argv[1:] == ["--check"]:
        stale = [p for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run scripts/generate-nsx-packs.py", file=sys.stderr)
        sys.exit(1 if stale else 0)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
    for pack_name, stats, claimed, renamed, shared in report:
        counts = ", ".join(f"{v} {k}" for k, v in stats.items())
        print(f"wrote rules/generated/{pack_name}.json: {counts}; {shared} the same as the Policy model's (not repeated), "
              f"{renamed} named NAME.manager; hand-written, generated as NAME.model: {', '.join(claimed) or 'none'}")
