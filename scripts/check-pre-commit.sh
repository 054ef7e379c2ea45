#!/usr/bin/env bash
# Checks .pre-commit-hooks.yaml with a real pre-commit (from PyPI): in a throw-away git repository
# holding one bad and one good config, `pre-commit run` must fail on the bad one and pass on the
# good one; a staged file that references a group defined in a committed, unchanged file must
# pass (the hook reads the repository as --context), and one that references a group defined
# nowhere must fail; a staged JSON template (*.json.j2) with a mistake must fail, and another
# template (nginx.conf.j2) must not be given to policylint. Exit status 0 only when all hold.
#
# pre-commit clones the hook repository at a commit, so it sees only committed state: by default
# this checks this checkout's HEAD (git rev-parse HEAD), not your uncommitted edits. With
# --working-tree it snapshots the working tree (tracked and untracked files, .gitignore honoured)
# into a temporary repository and checks that instead; your checkout is never touched.
#
# Slow: pre-commit builds policylint with `swift build -c release` (minutes). It uses a fresh
# PRE_COMMIT_HOME in the temp folder unless you set one, so a stale cached build never answers.
# Needs git, python3 (pre-commit is installed into a temporary venv unless it is on PATH) and Swift.
set -euo pipefail

checkout="$(cd "$(dirname "$0")/.." && pwd)"
mode=head
case "${1:-}" in
    "") ;;
    --working-tree) mode=working-tree ;;
    *) echo "usage: $0 [--working-tree]" >&2; exit 2 ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/policylint-pre-commit.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$work/pre-commit-home}"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1   # no hooks, signing or templates of yours
git_() { git -c user.name=policylint-check -c user.email=check@policylint.invalid -c init.defaultBranch=main "$@"; }

if [ "$mode" = head ]; then
    hook_repo="$checkout"
    rev="$(git -C "$checkout" rev-parse HEAD)"
    echo "checking the hook at HEAD $rev (committed state only; --working-tree checks uncommitted edits)"
    if [ -n "$(git -C "$checkout" status --porcelain -- .pre-commit-hooks.yaml Package.swift Sources Plugins rules)" ]; then
        echo "note: .pre-commit-hooks.yaml, Package.swift, Sources, Plugins or rules have uncommitted changes; pre-commit will not see them"
    fi
else
    hook_repo="$work/hook-repo"
    mkdir "$hook_repo"
    (cd "$checkout" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
        [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) | tar -xf - -C "$hook_repo"
    git_ -C "$hook_repo" init -q
    git_ -C "$hook_repo" add -A
    git_ -C "$hook_repo" commit -q -m "working tree snapshot"
    rev="$(git -C "$hook_repo" rev-parse HEAD)"
    echo "checking the hook in a snapshot of the working tree (commit $rev in $hook_repo)"
fi
if ! git -C "$hook_repo" cat-file -e "$rev:.pre-commit-hooks.yaml" 2>/dev/null; then
    echo "FAIL: $rev has no .pre-commit-hooks.yaml (commit it, or run with --working-tree)"
    exit 1
fi

if command -v pre-commit >/dev/null 2>&1; then
    pre_commit=pre-commit
else
    echo "installing pre-commit from PyPI into a temporary venv"
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
    pre_commit="$work/venv/bin/pre-commit"
fi
echo "using $("$pre_commit" --version)"

project="$work/project"
mkdir "$project"
cd "$project"
git_ init -q
cat > bad.json <<'EOF'
{
  "resource_type": "SecurityPolicy",
  "display_name": "web",
  "category": "Application",
  "sequence_number": 1200000
}
EOF
cat > good.json <<'EOF'
{
  "resource_type": "SecurityPolicy",
  "display_name": "web",
  "category": "Application",
  "sequence_number": 10
}
EOF
cat > .pre-commit-config.yaml <<EOF
repos:
  - repo: $hook_repo
    rev: $rev
    hooks:
      - id: policylint
EOF
git_ add -A

# A group defined in a committed file that the next commit does not touch.
cat > groups.json <<'EOF'
{"results": [{"resource_type": "Group", "id": "web", "path": "/infra/domains/default/groups/web"}], "result_count": 1}
EOF
git_ add groups.json .pre-commit-config.yaml
git_ commit -q --no-verify -m "groups"
# Staged: a policy that defines a group of its own and uses it and the committed one (or a typo).
policy() {
    cat <<EOF
[{"resource_type": "Group", "id": "app-$1", "path": "/infra/domains/default/groups/app-$1"},
 {"resource_type": "SecurityPolicy", "id": "p", "category": "Application", "rules": [
  {"action": "ALLOW", "sequence_number": 1, "source_groups": ["/infra/domains/default/groups/$1"],
   "destination_groups": ["/infra/domains/default/groups/app-$1"]}]}]
EOF
}
policy web > policy.json
policy webb > policy-typo.json
# An Ansible template of a policy, with a mistake after its placeholder, and a template of
# something else that is not JSON.
cat > policy.json.j2 <<'EOF'
{
  "resource_type": "SecurityPolicy",
  "display_name": "{{ name }}",
  "stateful": {{ stateful | to_json }},
  "sequence_number": 1200000
}
EOF
echo 'server { listen {{ port }}; }' > nginx.conf.j2
git_ add -A

status=0
echo
echo "== pre-commit run --files bad.json (must fail; the first run builds policylint in release mode)"
if "$pre_commit" run --files bad.json; then
    echo "FAIL: the hook passed on bad.json"
    status=1
else
    echo "ok: the hook failed on bad.json"
fi
echo
echo "== pre-commit run --files good.json (must pass)"
if "$pre_commit" run --files good.json; then
    echo "ok: the hook passed on good.json"
else
    echo "FAIL: the hook failed on good.json"
    status=1
fi
echo
echo "== pre-commit run --files policy.json (must pass: its group 'web' is defined in the committed groups.json)"
if "$pre_commit" run --files policy.json; then
    echo "ok: the hook passed on policy.json"
else
    echo "FAIL: the hook failed on policy.json: the committed groups.json was not read as context"
    status=1
fi
echo
echo "== pre-commit run --files policy-typo.json (must fail: group 'webb' is defined nowhere)"
if "$pre_commit" run --files policy-typo.json; then
    echo "FAIL: the hook passed on policy-typo.json"
    status=1
else
    echo "ok: the hook failed on policy-typo.json"
fi
echo
echo "== pre-commit run --files policy.json.j2 (must fail: sequence_number 1200000 after a placeholder)"
if "$pre_commit" run --files policy.json.j2; then
    echo "FAIL: the hook passed on policy.json.j2 (not given to policylint, or not read as a template)"
    status=1
else
    echo "ok: the hook failed on policy.json.j2"
fi
echo
echo "== pre-commit run --files nginx.conf.j2 (must pass: a template of something else is not given to policylint)"
if "$pre_commit" run --files nginx.conf.j2; then
    echo "ok: the hook passed on nginx.conf.j2"
else
    echo "FAIL: the hook ran policylint on nginx.conf.j2"
    status=1
fi
exit $status
