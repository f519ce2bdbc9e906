package main

import (
	"bytes"
	"flag"
	"fmt"
	"slices"
	"strings"
)

// helpText is a command's usage asked for with -h or --help: printed on standard output,
// exit 0, as flag.ErrHelp is.
type helpText string

func (h helpText) Error() string { return string(h) }
func (h helpText) Is(target error) bool {
	return target == flag.ErrHelp
}

// isHelpArg reports whether an argument asks for help.
func isHelpArg(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

// helpAsked reports whether any argument before a "--" asks for help: commands that take a
// file or an ID as an argument look for it before reading that argument.
func helpAsked(args []string) bool {
	if i := slices.Index(args, "--"); i >= 0 {
		args = args[:i]
	}
	return slices.ContainsFunc(args, isHelpArg)
}

// groupUsages are the commands made of subcommands: `vanthu records -h` prints the list of
// them, and each subcommand's -h its flags.
var groupUsages = map[string]string{
	"records": recordsUsage,
	"agency":  agencyUsage,
	"token":   tokenUsage,
	"jobs":    jobsUsage,
	"blobs":   blobsUsage,
	"archive": archiveUsage,
	"audit":   auditUsage,
	"axis":    axisUsage,
}

// synopses are the first usage line of commands that take arguments besides flags.
var synopses = map[string]string{
	"verify":         "vanthu verify [flags] FILE",
	"search":         "vanthu search --user NAME [flags] QUERY",
	"archive import": "vanthu archive import --user NAME [--into CODE] [flags] DIR",
	"jobs retry":     "vanthu jobs retry ID [flags]",
	"jobs cancel":    "vanthu jobs cancel ID [flags]",
}

// flagUsage is a flag set's usage: the synopsis, then one entry per flag.
func flagUsage(fs *flag.FlagSet) string {
	synopsis, ok := synopses[fs.Name()]
	if !ok {
		synopsis = "vanthu " + fs.Name() + " [flags]"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "usage: %s\n", synopsis)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		b.WriteString("\nflags:\n")
		fs.SetOutput(&b)
		fs.PrintDefaults()
	}
	return b.String()
}

// groupHelp is the usage of a command made of subcommands.
func groupHelp(name string) string {
	return strings.TrimRight(groupUsages[name], "\n") +
		"\n\nRun 'vanthu " + name + " <subcommand> -h' for a subcommand's flags.\n"
}
