#!/usr/bin/env bash
# Checks `policylint lsp` with a real client: headless Neovim (Debian's neovim package, 0.7 or
# later) with its built-in LSP client. In a throw-away workspace holding a policy with three
# mistakes and a file defining the group it almost references, Neovim opens the policy, and the
# diagnostics it receives must be the three findings at their exact byte columns (Neovim turns
# the server's UTF-16 positions back into bytes; the line holds "Zürich 🔥" before them). Then
# the enum's quick fix is applied through Neovim's code-action request, and after that edit
# the diagnostics must be the two others. Exit status 0 only when all hold.
#
# Needs Swift, and nvim on PATH (installed with apt-get when missing and this runs as root).
set -euo pipefail

checkout="$(cd "$(dirname "$0")/.." && pwd)"
cd "$checkout"

if ! command -v nvim >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq >/dev/null && apt-get install -y -qq neovim >/dev/null
    else
        echo "check-lsp-neovim: nvim is not installed (Debian: apt-get install neovim)" >&2
        exit 2
    fi
fi

swift build --product policylint >/dev/null
policylint="$(swift build --show-bin-path)/policylint"

work="$(mktemp -d "${TMPDIR:-/tmp}/policylint-lsp.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/policies"
cat > "$work/policies/web.json" <<'JSON'
{"resource_type": "SecurityPolicy", "display_name": "Zürich 🔥", "category": "application", "sequence_number": 1000000,
 "rules": [{"resource_type": "Rule", "display_name": "r", "action": "DROP", "sequence_number": 1, "logged": true,
  "source_groups": ["/infra/domains/default/groups/webb"], "destination_groups": ["ANY"], "services": ["ANY"]}]}
JSON
cat > "$work/groups.json" <<'JSON'
{"resource_type": "Group", "id": "web", "display_name": "web", "path": "/infra/domains/default/groups/web", "expression": []}
JSON

# Each diagnostic as "line:column-endColumn severity code" (0-based lines, byte columns, as Neovim
# keeps them; sorted as text), after opening and after the quick fix.
cat > "$work/check.lua" <<'LUA'
local work, policylint = os.getenv('WORK'), os.getenv('POLICYLINT')
local out = assert(io.open(work .. '/received.txt', 'w'))
local function dump(label)
  local lines = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '?'
    table.insert(lines, string.format('%s %d:%d-%d %d %s', label, d.lnum, d.col, d.end_col, d.severity, code))
  end
  table.sort(lines)
  for _, line in ipairs(lines) do out:write(line, '\n') end
end
local client = vim.lsp.start_client({ name = 'policylint', cmd = { policylint, 'lsp' }, root_dir = work })
vim.cmd('edit ' .. work .. '/policies/web.json')
vim.lsp.buf_attach_client(0, client)
if not vim.wait(30000, function() return #vim.diagnostic.get(0) == 3 end, 20) then out:write('timeout waiting for 3 diagnostics\n') end
dump('opened')

-- The quick fix for the enum, asked for at the cursor on the value, applied as Neovim would.
local params = { textDocument = { uri = vim.uri_from_bufnr(0) },
                 range = { start = { line = 0, character = 80 }, ['end'] = { line = 0, character = 80 } },
                 context = { diagnostics = {} } }
local answers = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', params, 10000) or {}
for _, answer in pairs(answers) do
  for _, action in ipairs(answer.result or {}) do
    out:write('action ', action.title, '\n')
    vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
  end
end
if not vim.wait(30000, function() return #vim.diagnostic.get(0) == 2 end, 20) then out:write('timeout waiting for 2 diagnostics\n') end
dump('fixed')
out:write('text ', vim.api.nvim_buf_get_lines(0, 0, 1, false)[1], '\n')
out:close()
vim.lsp.stop_client(client)
vim.cmd('qall!')
LUA

WORK="$work" POLICYLINT="$policylint" timeout 120 nvim --headless -n -u NONE -i NONE -c "luafile $work/check.lua" >/dev/null 2>&1 || true

cat > "$work/expected.txt" <<'TEXT'
opened 0:114-121 1 nsx/sequence-range
opened 0:80-93 1 schema/enum
opened 2:20-56 1 xref/dangling
action write 'Application' (schema/enum)
fixed 0:114-121 1 nsx/sequence-range
fixed 2:20-56 1 xref/dangling
text {"resource_type": "SecurityPolicy", "display_name": "Zürich 🔥", "category": "Application", "sequence_number": 1000000,
TEXT

if ! [ -f "$work/received.txt" ] || ! diff -u "$work/expected.txt" "$work/received.txt"; then
    echo "check-lsp-neovim: Neovim did not receive the expected diagnostics (expected, then received, above)" >&2
    exit 1
fi
echo "check-lsp-neovim: Neovim $(nvim --version | head -1 | cut -d' ' -f2) received the three findings at their byte columns through UTF-16, applied the quick fix, and got the two left"
