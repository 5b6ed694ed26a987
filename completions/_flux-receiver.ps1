
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'flux-receiver' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'flux-receiver'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'flux-receiver' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create or update a Receiver (or print it with --export)')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Create or update a webhook token Secret (or print it with --export)')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'Print a Receiver''s webhook path, or its full URL with --hostname')
            [CompletionResult]::new('expose', 'expose', [CompletionResultType]::ParameterValue, 'Expose the notification-controller''s webhook port as a Service')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List Receivers with their full, pasteable hook URLs')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List Receivers with their full, pasteable hook URLs')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one Receiver in detail (without a name: the same as list)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a Receiver (asks first on a terminal)')
            [CompletionResult]::new('suspend', 'suspend', [CompletionResultType]::ParameterValue, 'Suspend a Receiver: its webhook answers 503 until resumed')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a suspended Receiver and wait for it to reconcile')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Ask the controller to reconcile a Receiver now, and wait for it')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print Receivers in flux''s export format')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'flux-receiver;create' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Receiver type (the webhook provider)')
            [CompletionResult]::new('--secret-ref', '--secret-ref', [CompletionResultType]::ParameterName, 'Name of the Secret holding the webhook token (not for generic-oidc)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Object to reconcile: Kind/name or Kind/name.namespace (repeatable, comma lists)')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Event to accept, e.g. push (repeatable, comma lists; default: all)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label to set, key=value (repeatable, comma lists)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often the controller re-reads the token Secret (Go duration)')
            [CompletionResult]::new('--resource-filter', '--resource-filter', [CompletionResultType]::ParameterName, 'CEL expression every triggered resource must satisfy')
            [CompletionResult]::new('--hostname', '--hostname', [CompletionResultType]::ParameterName, 'Host (or base URL) the webhook is reachable at, for the printed URL')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Apply without waiting for the controller to report the Receiver ready')
            [CompletionResult]::new('--export', '--export', [CompletionResultType]::ParameterName, 'Print the Receiver as YAML instead of applying it')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;secret' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Receiver type the token is for')
            [CompletionResult]::new('--hostname', '--hostname', [CompletionResultType]::ParameterName, 'Host the webhook is reachable at, e.g. flux.example.com; adds the hook URL annotation')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The webhook token (default: keep the Secret''s, or 32 random bytes, hex). Prefer --token-file: command lines are visible to other users')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the webhook token from a file (one trailing newline is ignored)')
            [CompletionResult]::new('--receiver-name', '--receiver-name', [CompletionResultType]::ParameterName, 'Name of the Receiver the hook URL is computed for (default: the Secret''s name, as flux assumes)')
            [CompletionResult]::new('--email-claim', '--email-claim', [CompletionResultType]::ParameterName, 'gcr: the IAM service account email Pub/Sub pushes as')
            [CompletionResult]::new('--audience-claim', '--audience-claim', [CompletionResultType]::ParameterName, 'gcr: the expected token audience (default: the webhook URL)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label to set, key=value (repeatable, comma lists)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('--token-stdin', '--token-stdin', [CompletionResultType]::ParameterName, 'Read the webhook token from standard input')
            [CompletionResult]::new('--token-prompt', '--token-prompt', [CompletionResultType]::ParameterName, 'Ask for the webhook token at a hidden prompt')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing Secret''s different token without asking (this changes the hook URL)')
            [CompletionResult]::new('--show-token', '--show-token', [CompletionResultType]::ParameterName, 'Print the token after writing the Secret')
            [CompletionResult]::new('--export', '--export', [CompletionResultType]::ParameterName, 'Print the Secret as YAML (including the token) instead of applying it')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;url' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The Receiver''s webhook token')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the webhook token from a file (one trailing newline is ignored)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Receiver type; generic-oidc needs no token')
            [CompletionResult]::new('--hostname', '--hostname', [CompletionResultType]::ParameterName, 'Host (or base URL) the webhook is reachable at; prints the full URL')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;expose' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of the Service')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Service type')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port the Service listens on')
            [CompletionResult]::new('--target-port', '--target-port', [CompletionResultType]::ParameterName, 'The controller''s webhook port')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label to set, key=value (repeatable, comma lists)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Apply without waiting for a load balancer address')
            [CompletionResult]::new('--export', '--export', [CompletionResultType]::ParameterName, 'Print the Service as YAML instead of applying it')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)')
            [CompletionResult]::new('--hostname', '--hostname', [CompletionResultType]::ParameterName, 'Host (or base URL) the webhooks are reachable at, overriding what the cluster says')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List Receivers in all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List Receivers in all namespaces')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Query every context in the kubeconfig')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)')
            [CompletionResult]::new('--hostname', '--hostname', [CompletionResultType]::ParameterName, 'Host (or base URL) the webhooks are reachable at, overriding what the cluster says')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List Receivers in all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List Receivers in all namespaces')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Query every context in the kubeconfig')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)')
            [CompletionResult]::new('--hostname', '--hostname', [CompletionResultType]::ParameterName, 'Host (or base URL) the webhooks are reachable at, overriding what the cluster says')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List Receivers in all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List Receivers in all namespaces')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Query every context in the kubeconfig')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;delete' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Delete without asking for confirmation')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Delete without asking for confirmation')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;suspend' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;resume' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;reconcile' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;export' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Export every Receiver in the namespace')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;completion' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace scope for this operation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (list and get accept several)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the cluster (Go duration, e.g. 30s, 5m)')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Flux controllers, where webhook Services are looked up')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what is being done, request by request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'flux-receiver;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create or update a Receiver (or print it with --export)')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Create or update a webhook token Secret (or print it with --export)')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'Print a Receiver''s webhook path, or its full URL with --hostname')
            [CompletionResult]::new('expose', 'expose', [CompletionResultType]::ParameterValue, 'Expose the notification-controller''s webhook port as a Service')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List Receivers with their full, pasteable hook URLs')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one Receiver in detail (without a name: the same as list)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a Receiver (asks first on a terminal)')
            [CompletionResult]::new('suspend', 'suspend', [CompletionResultType]::ParameterValue, 'Suspend a Receiver: its webhook answers 503 until resumed')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a suspended Receiver and wait for it to reconcile')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Ask the controller to reconcile a Receiver now, and wait for it')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print Receivers in flux''s export format')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'flux-receiver;help;create' {
            break
        }
        'flux-receiver;help;secret' {
            break
        }
        'flux-receiver;help;url' {
            break
        }
        'flux-receiver;help;expose' {
            break
        }
        'flux-receiver;help;list' {
            break
        }
        'flux-receiver;help;get' {
            break
        }
        'flux-receiver;help;delete' {
            break
        }
        'flux-receiver;help;suspend' {
            break
        }
        'flux-receiver;help;resume' {
            break
        }
        'flux-receiver;help;reconcile' {
            break
        }
        'flux-receiver;help;export' {
            break
        }
        'flux-receiver;help;completion' {
            break
        }
        'flux-receiver;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
