package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestEveryCommandPrintsItsUsageOnHelp: -h and --help on every command and subcommand
// print a usage of several lines naming the command on standard output and exit 0,
// without opening a database or starting anything.
func TestEveryCommandPrintsItsUsageOnHelp(t *testing.T) {
	t.Parallel()
	// Every command, as commands registers them, and the subcommands of the groups.
	var lines [][]string
	for name := range commands {
		if name != "version" { // no flags: its usage is one line
			lines = append(lines, []string{name})
		}
	}
	lines = append(lines, [][]string{
		{"records", "due"}, {"records", "propose"}, {"records", "decide"}, {"records", "destroy"}, {"records", "copy"},
		{"agency", "succeed"}, {"token", "create"}, {"token", "list"}, {"token", "revoke"}, {"jobs", "list"},
		{"jobs", "retry"}, {"jobs", "cancel"}, {"blobs", "gc"}, {"archive", "export"}, {"archive", "import"},
		{"archive", "fixity"}, {"archive", "renew"}, {"audit", "verify"},
	}...)
	for _, l := range lines {
		for _, help := range []string{"-h", "--help"} {
			name := strings.Join(l, " ")
			t.Run(strings.ReplaceAll(name, " ", "_")+help, func(t *testing.T) {
				t.Parallel()
				var out, errOut bytes.Buffer
				code := run(context.Background(), append(append([]string{}, l...), help), &out, &errOut)
				text := out.String()
				if code != 0 {
					t.Fatalf("vanthu %s %s: exit %d\nstdout: %s\nstderr: %s", name, help, code, text, errOut.String())
				}
				if n := len(nonEmptyLines(text)); n < 2 || !strings.Contains(text, "vanthu "+name) ||
					!strings.HasPrefix(text, "usage:") {
					t.Fatalf("vanthu %s %s printed no usage of several lines naming the command:\n%s", name, help, text)
				}
			})
		}
	}
	t.Run("FlagsOfASubcommandAreListed", func(t *testing.T) {
		t.Parallel()
		var out, errOut bytes.Buffer
		run(context.Background(), []string{"verify", "--offline", "-h", "doc.pdf"}, &out, &errOut)
		for _, flag := range []string{"-trust", "-json", "-offline", "-lang"} {
			if !strings.Contains(out.String(), flag) {
				t.Errorf("verify -h does not list %s:\n%s", flag, out.String())
			}
		}
	})
	t.Run("HelpNamesACommand", func(t *testing.T) {
		t.Parallel()
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"help", "token"}, &out, &errOut); code != 0 ||
			!strings.Contains(out.String(), "vanthu token create") {
			t.Fatalf("vanthu help token: exit %d\n%s", code, out.String())
		}
	})
	t.Run("AGroupWithoutSubcommandKeepsItsLines", func(t *testing.T) {
		t.Parallel()
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"token"}, &out, &errOut); code != 2 {
			t.Fatalf("token without a subcommand: exit %d", code)
		}
		if n := len(nonEmptyLines(errOut.String())); n < 3 {
			t.Fatalf("token's usage squashed into %d line(s):\n%s", n, errOut.String())
		}
	})
}
