#!/usr/bin/env bash
# What the TEMPORARY lint overrides in pyproject.toml hide (issue 14): ruff and mypy run as `make check`
# runs them, but without the ["ALL"] per-file-ignores and the ignore_errors = true mypy overrides.
# Prints error counts per package and per rule / per module, then the full lists (ruff, then mypy).
#   scripts/lint_report.sh            # everything
#   scripts/lint_report.sh ehcp/sen2  # only paths starting with this prefix
# Burn-down: fix a package, delete its TEMPORARY lines in pyproject.toml, `make check` stays green.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PREFIX="${1:-}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Ruff's per-file-ignores and a mypy config file, both without the TEMPORARY entries.
"$BIN/python" - "$work" <<'PY'
import json, sys, tomllib
from pathlib import Path

work = Path(sys.argv[1])
config = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))
ignores = config["tool"]["ruff"]["lint"].get("per-file-ignores", {})
kept = {glob: rules for glob, rules in ignores.items() if "ALL" not in rules}
inline = ", ".join(f"{json.dumps(glob)} = {json.dumps(rules)}" for glob, rules in kept.items())
(work / "ruff-override").write_text(f"lint.per-file-ignores = {{{inline}}}")

mypy = dict(config["tool"]["mypy"])
def ini(value):
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)
lines = ["[mypy]"] + [f"{key} = {ini(value)}" for key, value in mypy.items() if key != "overrides"]
for override in mypy.get("overrides", []):
    if override.get("ignore_errors"):
        continue  # the TEMPORARY list
    modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
    lines.append(f"[mypy-{','.join(modules)}]")
    lines += [f"{key} = {ini(value)}" for key, value in override.items() if key != "module"]
(work / "mypy.ini").write_text("\n".join(lines) + "\n")
PY

"$BIN/ruff" check --no-cache --config "$(cat "$work/ruff-override")" --output-format concise . \
  2>/dev/null | grep -E '^[^ ]+:[0-9]+:[0-9]+: ' | grep "^$PREFIX" > "$work/ruff.txt" || true
"$BIN/mypy" --config-file "$work/mypy.ini" --cache-dir "$work/mypy-cache" --no-error-summary \
  2>/dev/null | grep -E '^[^ ]+:[0-9]+: error:' | grep "^$PREFIX" > "$work/mypy.txt" || true

package() { awk -F: '{ n = split($1, p, "/"); print (n > 2 ? p[1] "/" p[2] : p[1]) }'; }

echo "== ruff: $(wc -l < "$work/ruff.txt") errors, by package"
package < "$work/ruff.txt" | sort | uniq -c | sort -rn
echo "== ruff: by rule"
awk '{ print $2 }' "$work/ruff.txt" | sort | uniq -c | sort -rn
echo "== mypy: $(wc -l < "$work/mypy.txt") errors, by package"
package < "$work/mypy.txt" | sort | uniq -c | sort -rn
echo "== mypy: by module"
cut -d: -f1 "$work/mypy.txt" | sort | uniq -c | sort -rn
echo "== ruff: every error"
cat "$work/ruff.txt"
echo "== mypy: every error"
cat "$work/mypy.txt"
