# PowerShell completion for flux-receiver. Candidates come from
# `flux-receiver __complete`, the protocol flux itself uses for
# `flux receiver …`, so both complete the same things.
#
# Install: add `flux-receiver completion powershell | Out-String | Invoke-Expression`
# to your $PROFILE.

Register-ArgumentCompleter -Native -CommandName 'flux-receiver' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $elements = @($commandAst.CommandElements |
        Where-Object { $_.Extent.EndOffset -le $cursorPosition } |
        ForEach-Object { $_.ToString() })
    $program = $elements[0]
    $arguments = @($elements | Select-Object -Skip 1)
    if ($wordToComplete -ne '' -and $arguments.Count -gt 0 -and $arguments[-1] -eq $wordToComplete) {
        $arguments = @($arguments | Select-Object -SkipLast 1)
    }
    # Windows PowerShell drops empty native arguments; quote the empty word.
    $current = if ($wordToComplete -eq '') { '""' } else { $wordToComplete }
    $out = @(& $program __complete @arguments $current 2>$null)
    if ($out.Count -eq 0) { return }
    $directive = [int]($out[-1].TrimStart(':'))
    if ($directive -band 1) { return }
    $out | Select-Object -SkipLast 1 | ForEach-Object {
        $value, $description = $_ -split "`t", 2
        if ($value -like "$wordToComplete*") {
            if (-not $description) { $description = $value }
            $text = if ($value -match '\s') { "'$value'" } else { $value }
            [System.Management.Automation.CompletionResult]::new($text, $value, 'ParameterValue', $description)
        }
    }
}
