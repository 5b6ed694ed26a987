# PowerShell completion for flux-receiver. Candidates come from
# `flux-receiver __complete`, the protocol flux itself uses for
# `flux receiver …`, so both complete the same things. Directives are
# honoured as in Cobra's own PowerShell script.
#
# Install (the lines `flux-receiver completion --help` shows):
#   New-Item -ItemType Directory -Force (Split-Path $PROFILE) | Out-Null
#   Add-Content $PROFILE 'flux-receiver completion powershell | Out-String | iex'

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
    # Before 7.3 (or with legacy argument passing) PowerShell drops an empty
    # native argument, so it must be written as `""` to arrive at all; since
    # then an empty string arrives as it is, and `""` would arrive as two
    # quote characters.
    $legacy = $PSVersionTable.PSVersion -lt [version]'7.2.0' -or
        ($PSVersionTable.PSVersion -lt [version]'7.3.0' -and -not [ExperimentalFeature]::IsEnabled('PSNativeCommandArgumentPassing')) -or
        $PSNativeCommandArgumentPassing -eq 'Legacy'
    $current = if ($wordToComplete -eq '' -and $legacy) { '""' } else { $wordToComplete }
    $out = @(& $program __complete @arguments $current 2>$null)
    if ($out.Count -eq 0) { return }
    $directive = [int]($out[-1].TrimStart(':'))
    if ($directive -band 1) { return }

    # For --flag=value (and -f=value) the candidates are bare values, as
    # Cobra sends them: match them against the value, then put the flag back.
    $flag = ''
    $typed = $wordToComplete
    if ($typed -like '-*=*') {
        $flag, $typed = $typed.Split('=', 2)
        $flag += '='
    }
    $values = @($out | Select-Object -SkipLast 1 | ForEach-Object {
        $value, $description = $_ -split "`t", 2
        if ($value.StartsWith($typed)) {
            [pscustomobject]@{ Value = $value; Description = $(if ($description) { $description } else { $value }) }
        }
    })
    if (-not ($directive -band 32)) {
        $values = @($values | Sort-Object -Property Value)
    }
    if ($values.Count -eq 0) {
        # An empty result keeps PowerShell from completing file names.
        if ($directive -band 4) { '' }
        return
    }
    # PSReadLine's Complete and MenuComplete modes insert the text as is, so
    # the space after a finished value is ours to add (or not, for Kind/).
    $mode = (Get-PSReadLineKeyHandler -ErrorAction SilentlyContinue | Where-Object { $_.Key -eq 'Tab' }).Function
    $space = if (($directive -band 2) -or $mode -notin 'Complete', 'MenuComplete') { '' } else { ' ' }
    $values | ForEach-Object {
        $text = $flag + $_.Value
        if ($text -match '[\s''"`$#@;,{}()|<>&]') { $text = "'" + $text.Replace("'", "''") + "'" }
        [System.Management.Automation.CompletionResult]::new($text + $space, $_.Value, 'ParameterValue', $_.Description)
    }
}
