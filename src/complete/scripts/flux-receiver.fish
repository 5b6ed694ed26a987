# fish completion for flux-receiver. Candidates come from
# `flux-receiver __complete`, the protocol flux itself uses for
# `flux receiver …`, so both complete the same things.
#
# Install: copy to ~/.config/fish/completions/flux-receiver.fish

function __flux_receiver_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out ($tokens[1] __complete $tokens[2..-1] $current 2>/dev/null)
    or return
    test (count $out) -gt 0
    or return
    set -l directive (string replace -r '^:' '' -- $out[-1])
    set -e out[-1]
    if test (math "$directive % 2") -eq 1
        return
    end
    if test (count $out) -eq 0
        # No candidates: file names, unless the directive forbids them.
        if test (math "floor($directive / 4) % 2") -eq 0
            __fish_complete_path $current
        end
        return
    end
    printf '%s\n' $out
end

complete -c flux-receiver -f -a '(__flux_receiver_complete)'
