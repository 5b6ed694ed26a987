# elvish completion for flux-receiver. Candidates come from
# `flux-receiver __complete`, the protocol flux itself uses for
# `flux receiver …`, so both complete the same things.
#
# Install (the lines `flux-receiver completion --help` shows):
@INSTALL@

use str
use math

# Whether the directive has the bit `bit` set (elvish has no bitwise and).
fn -flux-receiver-has {|directive bit|
    == (% (math:floor (/ $directive $bit)) 2) 1
}

# A function, not a bare lambda: `return` only works inside `fn`.
fn -flux-receiver-complete {|@words|
    # `$@words[1..]` would slice every word; explode the sliced list instead.
    var args = $words[1..]
    var lines = [(e:flux-receiver __complete $@args 2>/dev/null)]
    if (== (count $lines) 0) {
        return
    }
    var directive = (num (str:trim-prefix $lines[-1] ':'))
    if (-flux-receiver-has $directive @ERROR@) {
        return
    }
    var candidates = $lines[..-1]
    if (== (count $candidates) 0) {
        # No candidates: file names, unless the directive forbids them.
        if (not (-flux-receiver-has $directive @NO_FILE_COMP@)) {
            edit:complete-filename $words[-1]
        }
        return
    }
    # Values for --flag=value come bare, as Cobra sends them; elvish matches
    # candidates against the whole word, so the flag goes back in front.
    var flag = ''
    var current = $words[-1]
    if (and (str:has-prefix $current '-') (str:contains $current '=')) {
        var flag-and-value = [(str:split &max=2 '=' $current)]
        set flag = $flag-and-value[0]'='
    }
    var suffix = ' '
    if (-flux-receiver-has $directive @NO_SPACE@) {
        set suffix = ''
    }
    for line $candidates {
        var parts = [(str:split &max=2 "\t" $line)]
        var display = $parts[0]
        if (> (count $parts) 1) {
            set display = $parts[0]' ('$parts[1]')'
        }
        edit:complex-candidate $flag$parts[0] &display=$display &code-suffix=$suffix
    }
}

set edit:completion:arg-completer[flux-receiver] = $-flux-receiver-complete~
