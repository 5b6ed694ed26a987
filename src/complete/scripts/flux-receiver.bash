# bash completion for flux-receiver                        -*- shell-script -*-
#
# Candidates come from `flux-receiver __complete`, the protocol flux itself
# uses for `flux receiver …`, so both complete the same things: subcommands,
# flags, receiver types, events for the chosen type, resource kinds and the
# names of receivers, namespaces and objects in the cluster.
#
# Install (the lines `flux-receiver completion --help` shows):
@INSTALL@

__flux_receiver_complete() {
    local cur words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n =: || return
    else
        # Without bash-completion: split the line up to the cursor ourselves,
        # so that --flag=value and a:b stay one word.
        local line=${COMP_LINE:0:COMP_POINT}
        read -r -a words <<< "$line"
        if [[ -z $line || $line == *[[:space:]] ]]; then
            words+=("")
        fi
        cword=$(( ${#words[@]} - 1 ))
        cur=${words[cword]}
    fi

    local out
    out=$("${words[0]}" __complete "${words[@]:1:cword-1}" "$cur" 2>/dev/null) || return 0
    local directive=${out##*:}
    directive=${directive//[!0-9]/}
    directive=${directive:-0}
    out=${out%:*}

    (( directive & @ERROR@ )) && return 0
    (( directive & @NO_SPACE@ )) && compopt -o nospace 2>/dev/null
    (( directive & @KEEP_ORDER@ )) && compopt -o nosort 2>/dev/null

    # For --flag=value (and -f=value) the candidates are bare values, as
    # Cobra sends them; they extend the text after the '='.
    local typed=$cur
    if [[ $typed == -*=* ]]; then
        typed=${typed#*=}
    fi
    # bash replaces only the text after the last word-break character
    # (':' and '=' by default), so candidates lose what comes before it.
    local trim=""
    local breaks=""
    [[ $COMP_WORDBREAKS == *:* ]] && breaks+=":"
    [[ $COMP_WORDBREAKS == *=* ]] && breaks+="="
    if [[ -n $breaks && $typed == *[$breaks]* ]]; then
        trim=${typed%"${typed##*[$breaks]}"}
    fi

    COMPREPLY=()
    local entry value
    while IFS='' read -r entry; do
        [[ -z $entry ]] && continue
        value=${entry%%$'\t'*}
        [[ $value == "$typed"* ]] || continue
        value=${value#"$trim"}
        if [[ $value == *[[:space:]]* ]]; then
            value=$(printf '%q' "$value")
        fi
        COMPREPLY+=("$value")
    done <<< "$out"

    if (( ${#COMPREPLY[@]} == 0 )) && ! (( directive & @NO_FILE_COMP@ )); then
        compopt -o default 2>/dev/null
    fi
    return 0
}

complete -o bashdefault -F __flux_receiver_complete flux-receiver
