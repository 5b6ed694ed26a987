# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_flux_receiver_global_optspecs
    string join \n n/namespace= kubeconfig= context= timeout= flux-namespace= verbose h/help V/version
end

function __fish_flux_receiver_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_flux_receiver_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_flux_receiver_using_subcommand
    set -l cmd (__fish_flux_receiver_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "create" -d 'Create or update a Receiver (or print it with --export)'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "secret" -d 'Create or update a webhook token Secret (or print it with --export)'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "url" -d 'Print a Receiver\'s webhook path, or its full URL with --hostname'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "expose" -d 'Expose the notification-controller\'s webhook port as a Service'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "list" -d 'List Receivers with their full, pasteable hook URLs'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "ls" -d 'List Receivers with their full, pasteable hook URLs'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "get" -d 'Show one Receiver in detail (without a name: the same as list)'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "delete" -d 'Delete a Receiver (asks first on a terminal)'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "suspend" -d 'Suspend a Receiver: its webhook answers 503 until resumed'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "resume" -d 'Resume a suspended Receiver and wait for it to reconcile'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "reconcile" -d 'Ask the controller to reconcile a Receiver now, and wait for it'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "export" -d 'Print Receivers in flux\'s export format'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c flux-receiver -n "__fish_flux_receiver_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l type -d 'Receiver type (the webhook provider)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l secret-ref -d 'Name of the Secret holding the webhook token (not for generic-oidc)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l resource -d 'Object to reconcile: Kind/name or Kind/name.namespace (repeatable, comma lists)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l event -d 'Event to accept, e.g. push (repeatable, comma lists; default: all)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l label -d 'Label to set, key=value (repeatable, comma lists)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l interval -d 'How often the controller re-reads the token Secret (Go duration)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l resource-filter -d 'CEL expression every triggered resource must satisfy' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l hostname -d 'Host (or base URL) the webhook is reachable at, for the printed URL' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l no-wait -d 'Apply without waiting for the controller to report the Receiver ready'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l export -d 'Print the Receiver as YAML instead of applying it'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -s h -l help -d 'Print help'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand create" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l type -d 'Receiver type the token is for' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l hostname -d 'Host the webhook is reachable at, e.g. flux.example.com; adds the hook URL annotation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l token -d 'The webhook token (default: keep the Secret\'s, or 32 random bytes, hex). Prefer --token-file: command lines are visible to other users' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l token-file -d 'Read the webhook token from a file (one trailing newline is ignored)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l receiver-name -d 'Name of the Receiver the hook URL is computed for (default: the Secret\'s name, as flux assumes)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l email-claim -d 'gcr: the IAM service account email Pub/Sub pushes as' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l audience-claim -d 'gcr: the expected token audience (default: the webhook URL)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l label -d 'Label to set, key=value (repeatable, comma lists)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l token-stdin -d 'Read the webhook token from standard input'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l token-prompt -d 'Ask for the webhook token at a hidden prompt'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l force -d 'Replace an existing Secret\'s different token without asking (this changes the hook URL)'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l show-token -d 'Print the token after writing the Secret'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l export -d 'Print the Secret as YAML (including the token) instead of applying it'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -s h -l help -d 'Print help'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand secret" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand url" -l token -d 'The Receiver\'s webhook token' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand url" -l token-file -d 'Read the webhook token from a file (one trailing newline is ignored)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand url" -l type -d 'Receiver type; generic-oidc needs no token' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand url" -l hostname -d 'Host (or base URL) the webhook is reachable at; prints the full URL' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand url" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand url" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand url" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand url" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand url" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand url" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand url" -s h -l help -d 'Print help'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand url" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -l name -d 'Name of the Service' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -l type -d 'Service type' -r -f -a "LoadBalancer\t'A cloud load balancer with an external address'
NodePort\t'A port on every node'
ClusterIP\t'Cluster-internal, for an Ingress or Gateway in front'"
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -l port -d 'Port the Service listens on' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -l target-port -d 'The controller\'s webhook port' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -l label -d 'Label to set, key=value (repeatable, comma lists)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -l no-wait -d 'Apply without waiting for a load balancer address'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -l export -d 'Print the Service as YAML instead of applying it'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand expose" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -s o -l output -d 'Output format' -r -f -a "table\t'NAME, TYPE, READY and the full hook URL'
status\t'flux get receivers: NAME, SUSPENDED, READY, MESSAGE'
wide\t'Everything: events, resources, Secret, URL, message'
json\t'One JSON object per Receiver, in an array'
yaml\t'The same as YAML'"
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -s l -l selector -d 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -l hostname -d 'Host (or base URL) the webhooks are reachable at, overriding what the cluster says' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -s A -l all-namespaces -d 'List Receivers in all namespaces'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -l all-contexts -d 'Query every context in the kubeconfig'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand list" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -s o -l output -d 'Output format' -r -f -a "table\t'NAME, TYPE, READY and the full hook URL'
status\t'flux get receivers: NAME, SUSPENDED, READY, MESSAGE'
wide\t'Everything: events, resources, Secret, URL, message'
json\t'One JSON object per Receiver, in an array'
yaml\t'The same as YAML'"
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -s l -l selector -d 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -l hostname -d 'Host (or base URL) the webhooks are reachable at, overriding what the cluster says' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -s A -l all-namespaces -d 'List Receivers in all namespaces'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -l all-contexts -d 'Query every context in the kubeconfig'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand ls" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -s o -l output -d 'Output format' -r -f -a "table\t'NAME, TYPE, READY and the full hook URL'
status\t'flux get receivers: NAME, SUSPENDED, READY, MESSAGE'
wide\t'Everything: events, resources, Secret, URL, message'
json\t'One JSON object per Receiver, in an array'
yaml\t'The same as YAML'"
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -s l -l selector -d 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -l hostname -d 'Host (or base URL) the webhooks are reachable at, overriding what the cluster says' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -s A -l all-namespaces -d 'List Receivers in all namespaces'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -l all-contexts -d 'Query every context in the kubeconfig'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand get" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand delete" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand delete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand delete" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand delete" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand delete" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand delete" -s s -l silent -d 'Delete without asking for confirmation'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand delete" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand delete" -s h -l help -d 'Print help'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand delete" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand suspend" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand suspend" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand suspend" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand suspend" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand suspend" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand suspend" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand suspend" -s h -l help -d 'Print help'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand suspend" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand resume" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand resume" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand resume" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand resume" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand resume" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand resume" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand resume" -s h -l help -d 'Print help'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand resume" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand reconcile" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand reconcile" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand reconcile" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand reconcile" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand reconcile" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand reconcile" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand reconcile" -s h -l help -d 'Print help'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand reconcile" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand export" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand export" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand export" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand export" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand export" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand export" -l all -d 'Export every Receiver in the namespace'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand export" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand export" -s h -l help -d 'Print help'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand export" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand completion" -s n -l namespace -d 'The namespace scope for this operation' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand completion" -l context -d 'The kubeconfig context to use (list and get accept several)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand completion" -l timeout -d 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand completion" -l flux-namespace -d 'Namespace of the Flux controllers, where webhook Services are looked up' -r
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand completion" -l verbose -d 'Print what is being done, request by request'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand completion" -s h -l help -d 'Print help'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand completion" -s V -l version -d 'Print version'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "create" -d 'Create or update a Receiver (or print it with --export)'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "secret" -d 'Create or update a webhook token Secret (or print it with --export)'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "url" -d 'Print a Receiver\'s webhook path, or its full URL with --hostname'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "expose" -d 'Expose the notification-controller\'s webhook port as a Service'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "list" -d 'List Receivers with their full, pasteable hook URLs'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "get" -d 'Show one Receiver in detail (without a name: the same as list)'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "delete" -d 'Delete a Receiver (asks first on a terminal)'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "suspend" -d 'Suspend a Receiver: its webhook answers 503 until resumed'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "resume" -d 'Resume a suspended Receiver and wait for it to reconcile'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "reconcile" -d 'Ask the controller to reconcile a Receiver now, and wait for it'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "export" -d 'Print Receivers in flux\'s export format'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "completion" -d 'Print a shell completion script'
complete -c flux-receiver -n "__fish_flux_receiver_using_subcommand help; and not __fish_seen_subcommand_from create secret url expose list get delete suspend resume reconcile export completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
