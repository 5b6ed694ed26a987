
use builtin;
use str;

set edit:completion:arg-completer[flux-receiver] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'flux-receiver'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'flux-receiver'= {
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create or update a Receiver (or print it with --export)'
            cand secret 'Create or update a webhook token Secret (or print it with --export)'
            cand url 'Print a Receiver''s webhook path, or its full URL with --hostname'
            cand expose 'Expose the notification-controller''s webhook port as a Service'
            cand list 'List Receivers with their full, pasteable hook URLs'
            cand ls 'List Receivers with their full, pasteable hook URLs'
            cand get 'Show one Receiver in detail (without a name: the same as list)'
            cand delete 'Delete a Receiver (asks first on a terminal)'
            cand suspend 'Suspend a Receiver: its webhook answers 503 until resumed'
            cand resume 'Resume a suspended Receiver and wait for it to reconcile'
            cand reconcile 'Ask the controller to reconcile a Receiver now, and wait for it'
            cand export 'Print Receivers in flux''s export format'
            cand completion 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'flux-receiver;create'= {
            cand --type 'Receiver type (the webhook provider)'
            cand --secret-ref 'Name of the Secret holding the webhook token (not for generic-oidc)'
            cand --resource 'Object to reconcile: Kind/name or Kind/name.namespace (repeatable, comma lists)'
            cand --event 'Event to accept, e.g. push (repeatable, comma lists; default: all)'
            cand --label 'Label to set, key=value (repeatable, comma lists)'
            cand --interval 'How often the controller re-reads the token Secret (Go duration)'
            cand --resource-filter 'CEL expression every triggered resource must satisfy'
            cand --hostname 'Host (or base URL) the webhook is reachable at, for the printed URL'
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand --no-wait 'Apply without waiting for the controller to report the Receiver ready'
            cand --export 'Print the Receiver as YAML instead of applying it'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;secret'= {
            cand --type 'Receiver type the token is for'
            cand --hostname 'Host the webhook is reachable at, e.g. flux.example.com; adds the hook URL annotation'
            cand --token 'The webhook token (default: keep the Secret''s, or 32 random bytes, hex). Prefer --token-file: command lines are visible to other users'
            cand --token-file 'Read the webhook token from a file (one trailing newline is ignored)'
            cand --receiver-name 'Name of the Receiver the hook URL is computed for (default: the Secret''s name, as flux assumes)'
            cand --email-claim 'gcr: the IAM service account email Pub/Sub pushes as'
            cand --audience-claim 'gcr: the expected token audience (default: the webhook URL)'
            cand --label 'Label to set, key=value (repeatable, comma lists)'
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand --token-stdin 'Read the webhook token from standard input'
            cand --token-prompt 'Ask for the webhook token at a hidden prompt'
            cand --force 'Replace an existing Secret''s different token without asking (this changes the hook URL)'
            cand --show-token 'Print the token after writing the Secret'
            cand --export 'Print the Secret as YAML (including the token) instead of applying it'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;url'= {
            cand --token 'The Receiver''s webhook token'
            cand --token-file 'Read the webhook token from a file (one trailing newline is ignored)'
            cand --type 'Receiver type; generic-oidc needs no token'
            cand --hostname 'Host (or base URL) the webhook is reachable at; prints the full URL'
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;expose'= {
            cand --name 'Name of the Service'
            cand --type 'Service type'
            cand --port 'Port the Service listens on'
            cand --target-port 'The controller''s webhook port'
            cand --label 'Label to set, key=value (repeatable, comma lists)'
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand --no-wait 'Apply without waiting for a load balancer address'
            cand --export 'Print the Service as YAML instead of applying it'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;list'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand -l 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)'
            cand --selector 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)'
            cand --hostname 'Host (or base URL) the webhooks are reachable at, overriding what the cluster says'
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand -A 'List Receivers in all namespaces'
            cand --all-namespaces 'List Receivers in all namespaces'
            cand --all-contexts 'Query every context in the kubeconfig'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;ls'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand -l 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)'
            cand --selector 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)'
            cand --hostname 'Host (or base URL) the webhooks are reachable at, overriding what the cluster says'
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand -A 'List Receivers in all namespaces'
            cand --all-namespaces 'List Receivers in all namespaces'
            cand --all-contexts 'Query every context in the kubeconfig'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;get'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand -l 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)'
            cand --selector 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)'
            cand --hostname 'Host (or base URL) the webhooks are reachable at, overriding what the cluster says'
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand -A 'List Receivers in all namespaces'
            cand --all-namespaces 'List Receivers in all namespaces'
            cand --all-contexts 'Query every context in the kubeconfig'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;delete'= {
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand -s 'Delete without asking for confirmation'
            cand --silent 'Delete without asking for confirmation'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;suspend'= {
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;resume'= {
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;reconcile'= {
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;export'= {
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand --all 'Export every Receiver in the namespace'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;completion'= {
            cand -n 'The namespace scope for this operation'
            cand --namespace 'The namespace scope for this operation'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'
            cand --context 'The kubeconfig context to use (list and get accept several)'
            cand --timeout 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)'
            cand --flux-namespace 'Namespace of the Flux controllers, where webhook Services are looked up'
            cand --verbose 'Print what is being done, request by request'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'flux-receiver;help'= {
            cand create 'Create or update a Receiver (or print it with --export)'
            cand secret 'Create or update a webhook token Secret (or print it with --export)'
            cand url 'Print a Receiver''s webhook path, or its full URL with --hostname'
            cand expose 'Expose the notification-controller''s webhook port as a Service'
            cand list 'List Receivers with their full, pasteable hook URLs'
            cand get 'Show one Receiver in detail (without a name: the same as list)'
            cand delete 'Delete a Receiver (asks first on a terminal)'
            cand suspend 'Suspend a Receiver: its webhook answers 503 until resumed'
            cand resume 'Resume a suspended Receiver and wait for it to reconcile'
            cand reconcile 'Ask the controller to reconcile a Receiver now, and wait for it'
            cand export 'Print Receivers in flux''s export format'
            cand completion 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'flux-receiver;help;create'= {
        }
        &'flux-receiver;help;secret'= {
        }
        &'flux-receiver;help;url'= {
        }
        &'flux-receiver;help;expose'= {
        }
        &'flux-receiver;help;list'= {
        }
        &'flux-receiver;help;get'= {
        }
        &'flux-receiver;help;delete'= {
        }
        &'flux-receiver;help;suspend'= {
        }
        &'flux-receiver;help;resume'= {
        }
        &'flux-receiver;help;reconcile'= {
        }
        &'flux-receiver;help;export'= {
        }
        &'flux-receiver;help;completion'= {
        }
        &'flux-receiver;help;help'= {
        }
    ]
    $completions[$command]
}
