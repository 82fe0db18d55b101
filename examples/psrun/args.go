package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// options are psrun's global flags.
type options struct {
	quote       bool
	separator   string
	noHeaders   bool
	filter      string
	json        bool
	insecure    bool // -i, -insecure
	skipFactors bool // -sf: accepted, no effect
	allowHTTP   bool
	verbose     bool
	timeout     time.Duration
	cert        string // -cert: PEM client certificate (and key)
	key         string // -key: PEM key, when not in the -cert file
	certPass    string // -certpass: the key's password
	exec        string // -e: the command that gets the result
}

// retrieveOptions are RetrievePassword's flags.
type retrieveOptions struct {
	duration int
	reason   string
	keep     bool
	reuse    bool
	credType string
}

// flagSets declares psrun's flags on two sets, the global ones and
// RetrievePassword's, so that the usage lists them apart. Both are parsed
// from anywhere on the command line by parseArgs.
func flagSets(o *options, r *retrieveOptions) (global, retrieve *flag.FlagSet) {
	global = flag.NewFlagSet("psrun", flag.ContinueOnError)
	global.BoolVar(&o.verbose, "v", false, "log each HTTP attempt to stderr, and RetrievePassword's request ID\n(never a key or password)")
	global.BoolVar(&o.skipFactors, "sf", false, "accepted for psrun2's command lines; has no effect (psrun sends no\nenvironment factors)")
	global.BoolVar(&o.insecure, "i", false, "skip TLS certificate verification (unsafe; says so on stderr)")
	global.BoolVar(&o.insecure, "insecure", false, "the same as -i")
	global.BoolVar(&o.quote, "quote", false, "quote every field (embedded quotes doubled)")
	global.StringVar(&o.separator, "separator", "\t", "field separator")
	global.BoolVar(&o.noHeaders, "noheaders", false, "leave out the header line")
	global.StringVar(&o.filter, "filter", "", "print only these columns, in this order: \"ColA,ColB\" (case aside)")
	global.StringVar(&o.cert, "cert", "", "client certificate: a PEM `file` with the certificate and its key\n"+
		"(default $"+envClientCert+" and $"+envClientKey+"); a PFX must be converted\n"+
		"with openssl first (psrun says how)")
	global.StringVar(&o.key, "key", "", "the client certificate's PEM key `file`, when not in the -cert file")
	global.StringVar(&o.certPass, "certpass", "", "`password` of an encrypted PEM key (Proc-Type: 4,ENCRYPTED)")
	global.StringVar(&o.exec, "e", "", "run `command` with the result instead of printing it: the result on its\n"+
		"stdin, a retrieved credential also in $"+envCredential+". psrun splits the\n"+
		"command into words (quotes as in sh, nothing expanded) and runs it\n"+
		"without a shell; [Password] is refused (see \"-e\" below)")
	global.BoolVar(&o.json, "json", false, "print the answer's body as received")
	global.BoolVar(&o.allowHTTP, "allow-http", false, "permit an http:// URL to a host that is not loopback")
	global.DurationVar(&o.timeout, "timeout", 5*time.Minute, "give up after this long (RetrievePassword: the wait for approval too;\nnot the -e command)")

	retrieve = flag.NewFlagSet("RetrievePassword", flag.ContinueOnError)
	retrieve.IntVar(&r.duration, "duration", 10, "how long the request lasts, in `minutes` (1-525600); or DurationMinutes")
	retrieve.StringVar(&r.reason, "reason", "psrun RetrievePassword", "the `reason` recorded with the request; or Reason")
	retrieve.BoolVar(&r.keep, "keep", false, "leave the request open and print its ID on a second line; or DoNotRelease")
	retrieve.BoolVar(&r.keep, "p", false, "the same as -keep and DoNotRelease (psrun2's spelling)")
	retrieve.BoolVar(&r.reuse, "reuse", false, "take over a request of yours still open for the account (a leftover\n"+
		"of an earlier run) instead of failing with 409, and check it in\n"+
		"afterwards (unless -keep); sends ConflictOption reuse")
	retrieve.StringVar(&r.credType, "type", "password", "which `credential` to print: password, dsskey (the SSH private key) or\npassphrase; or Type")
	for _, fs := range []*flag.FlagSet{global, retrieve} {
		fs.SetOutput(io.Discard) // parseArgs reports errors; usage prints the defaults
	}
	return global, retrieve
}

// parseArgs sets the flags found anywhere in args, before, between or
// after the positional arguments, and returns the positional arguments in
// order. "--" ends the flags: all that follows is positional. A lone "-"
// is positional (KEY "-" reads the key from PS_API_KEY). A flag is -name or
// --name; a value follows as -name=value or as the next argument; a
// boolean flag takes a value only as -name=value. It returns flag.ErrHelp
// for -h, -help and --help.
func parseArgs(args []string, sets ...*flag.FlagSet) (positional []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(positional, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		spec := strings.TrimPrefix(a[1:], "-")
		name, value, hasValue := strings.Cut(spec, "=")
		if name == "" || name[0] == '-' {
			return nil, fmt.Errorf("bad flag syntax: %s", a)
		}
		fs, f := lookupFlag(name, sets)
		if f == nil {
			if name == "h" || name == "help" {
				return nil, flag.ErrHelp
			}
			return nil, fmt.Errorf("flag provided but not defined: -%s", name)
		}
		if !hasValue {
			if isBool(f) {
				value = "true"
			} else {
				if i+1 == len(args) {
					return nil, fmt.Errorf("flag needs an argument: -%s", name)
				}
				i++
				value = args[i]
			}
		}
		if err := fs.Set(name, value); err != nil {
			return nil, fmt.Errorf("invalid value %q for flag -%s: %w", value, name, err)
		}
	}
	return positional, nil
}

func lookupFlag(name string, sets []*flag.FlagSet) (*flag.FlagSet, *flag.Flag) {
	for _, fs := range sets {
		if f := fs.Lookup(name); f != nil {
			return fs, f
		}
	}
	return nil, nil
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// given returns the names of the flags of fs set on the command line, as
// "-name", in lexical order.
func given(fs *flag.FlagSet) []string {
	var names []string
	fs.Visit(func(f *flag.Flag) { names = append(names, "-"+f.Name) })
	return names
}
