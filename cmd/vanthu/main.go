// Command vanthu is the one binary: the server, the migrations and the operators' tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout io.Writer) error
}

var commands = map[string]command{
	"serve":   {"run the HTTP server (API, web UI, health, metrics)", runServe},
	"migrate": {"apply database migrations and exit", runMigrate},
	"search":  {"search documents, insensitive to Vietnamese diacritics", runSearch},
	"seed":    {"seed the demo province into an empty database", runSeed},
	"version": {"print the version", runVersion},
	"archive": {"export a record (hồ sơ) as a BagIt bag (archive export)", runArchive},
	"audit":   {"verify the audit logs' hash chains (audit verify)", runAudit},
	"sign":    {"sign a PDF (PAdES) with a PKCS#12 file or a PKCS#11 token", runSign},
	"extend":  {"raise a signed PDF to PAdES B-LT or B-LTA", runExtend},
	"demo":    {"run a scripted working fortnight of the demo province", runDemo},
	"receive": {"receive an edXML message of the national document exchange", runReceive},
	"verify":  {"validate the signatures of a PDF (PAdES), as EU DSS reports them", runVerify},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run returns the exit code: 0 success, 1 failure, 2 bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 1 && args[0] == "help" { // `vanthu help verify` is `vanthu verify -h`
		args = []string{args[1], "-h"}
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "vanthu: unknown command %q (see 'vanthu help')\n", args[0])
		return 2
	}
	if _, group := groupUsages[args[0]]; group && len(args) > 1 && (isHelpArg(args[1]) || args[1] == "help") {
		fmt.Fprint(stdout, groupHelp(args[0]))
		return 0
	}
	err := cmd.run(ctx, args[1:], stdout)
	var help helpText
	switch {
	case err == nil:
		return 0
	case errors.As(err, &help):
		fmt.Fprint(stdout, string(help))
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		// Our own usage texts keep their lines; a list of subcommands squashed into one
		// line is unreadable.
		fmt.Fprintf(stderr, "vanthu %s: %s\n", args[0], strings.TrimRight(err.Error(), "\n"))
		return 2
	case errors.As(err, new(silentFailure)):
		return 1
	default:
		fmt.Fprintf(stderr, "vanthu %s: %s\n", args[0], oneLine(err.Error()))
		return 1
	}
}

// oneLine folds a multi-line error (pgx lists every address it tried) into one line, so
// that an operator's log shows one failure as one line.
func oneLine(s string) string {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "; ")
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "vanthu — electronic documents and digital signatures for state agencies")
	fmt.Fprintln(w, "\nUsage: vanthu <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-8s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\nRun 'vanthu <command> -h' for a command's flags.")
}

// usageError is a mistake in the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }
