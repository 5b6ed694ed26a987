# fish completion for flux-receiver. Candidates come from
# `flux-receiver __complete`, the protocol flux itself uses for
# `flux receiver …`, so both complete the same things.
#
# Install (the lines `flux-receiver completion --help` shows):
@INSTALL@

function __flux_receiver_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out ($tokens[1] __complete $tokens[2..-1] $current 2>/dev/null)
    or return
    test (count $out) -gt 0
    or return
    set -l directive (string replace -r '^:' '' -- $out[-1])
    set -e out[-1]
    if test (math "bitand($directive, @ERROR@)") -ne 0
        return
    end
    if test (count $out) -eq 0
        # No candidates: file names, unless the directive forbids them.
        if test (math "bitand($directive, @NO_FILE_COMP@)") -eq 0
            __fish_complete_path $current
        end
        return
    end
    # Values for --flag=value come bare, as Cobra sends them; fish matches
    # candidates against the whole token, so the flag goes back in front.
    # (Always one element, possibly empty: an empty list would void $flag$out.)
    set -l flag (string replace -r -- '^(-[^=]*=)?.*$' '$1' $current)
    set -l results $flag$out
    # fish adds a space after a lone candidate. For NoSpace (`Kind/`, a
    # name still to come) offer the candidate twice, once with a dot, as
    # Cobra's fish script does: fish then inserts only the common prefix.
    if test (math "bitand($directive, @NO_SPACE@)") -ne 0; and test (count $results) -eq 1
        set -l only (string split -m 1 \t -- $results[1])[1]
        set results $only $only.
    end
    printf '%s\n' $results
end

complete -c flux-receiver -f -a '(__flux_receiver_complete)'
