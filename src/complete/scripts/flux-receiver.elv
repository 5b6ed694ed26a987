# elvish completion for flux-receiver. Candidates come from
# `flux-receiver __complete`, the protocol flux itself uses for
# `flux receiver …`, so both complete the same things.
#
# Install: eval (flux-receiver completion elvish | slurp)

use str

set edit:completion:arg-completer[flux-receiver] = {|@words|
    var lines = [(e:flux-receiver __complete $@words[1..] 2>/dev/null)]
    if (== (count $lines) 0) {
        return
    }
    var directive = (str:trim-prefix $lines[-1] ':')
    if (== (% $directive 2) 1) {
        return
    }
    for line $lines[..-1] {
        var parts = [(str:split "\t" $line)]
        if (> (count $parts) 1) {
            edit:complex-candidate $parts[0] &display=$parts[0]' ('$parts[1]')'
        } else {
            edit:complex-candidate $parts[0]
        }
    }
}
