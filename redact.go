package passwordsafe

import (
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
)

// Printing values that hold a secret. The shown fields are derived from
// the struct itself, so a field added later is printed (and a secret one
// masked) without anyone remembering to list it: a string field whose name
// ends in "Password", and any Secret, is a secret.

// shown is one exported field of a struct about to be printed.
type shown struct {
	name   string
	v      reflect.Value
	secret bool
}

func shownFields(v reflect.Value) []shown {
	t := v.Type()
	out := make([]shown, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		secret := f.Type == reflect.TypeFor[Secret]() ||
			(f.Type.Kind() == reflect.String && strings.HasSuffix(f.Name, "Password"))
		out = append(out, shown{name: f.Name, v: v.Field(i), secret: secret})
	}
	return out
}

// masked is what a secret field shows: [REDACTED] when set, "" when empty.
func (s shown) masked() string {
	if s.v.IsZero() {
		return ""
	}
	return redacted
}

// redactedString is %+v of the struct, a pointer field shown as what it
// points to, with every secret field masked.
func redactedString(v any) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range shownFields(reflect.ValueOf(v)) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.name)
		b.WriteByte(':')
		switch {
		case f.secret:
			b.WriteString(f.masked())
		case f.v.Kind() == reflect.Pointer && f.v.IsNil():
			b.WriteString("<nil>")
		case f.v.Kind() == reflect.Pointer:
			fmt.Fprintf(&b, "%v", f.v.Elem().Interface())
		default:
			fmt.Fprintf(&b, "%v", f.v.Interface())
		}
	}
	b.WriteByte('}')
	return b.String()
}

// redactedGoString is Go syntax for the struct, with every secret field
// masked and pointers written as passwordsafe.Ptr(value).
func redactedGoString(v any) string {
	rv := reflect.ValueOf(v)
	var b strings.Builder
	b.WriteString(rv.Type().String())
	b.WriteByte('{')
	for i, f := range shownFields(rv) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.name)
		b.WriteByte(':')
		switch {
		case f.secret:
			b.WriteString(strconv.Quote(f.masked()))
		case f.v.Kind() == reflect.Pointer && f.v.IsNil():
			b.WriteString("nil")
		case f.v.Kind() == reflect.Pointer:
			b.WriteString("passwordsafe.Ptr(" + goLiteral(f.v.Elem()) + ")")
		default:
			b.WriteString(goLiteral(f.v))
		}
	}
	b.WriteByte('}')
	return b.String()
}

// goLiteral writes a value the way %#v would, but a named string type as a
// plain quoted string.
func goLiteral(v reflect.Value) string {
	if v.Kind() == reflect.String {
		return strconv.Quote(v.String())
	}
	return fmt.Sprintf("%#v", v.Interface())
}

// redactedLogValue is a slog group of the fields, with every secret field
// masked; unset pointer fields are left out.
func redactedLogValue(v any) slog.Value {
	fields := shownFields(reflect.ValueOf(v))
	attrs := make([]slog.Attr, 0, len(fields))
	for _, f := range fields {
		switch {
		case f.secret:
			attrs = append(attrs, slog.String(f.name, f.masked()))
		case f.v.Kind() == reflect.Pointer && f.v.IsNil():
		case f.v.Kind() == reflect.Pointer:
			attrs = append(attrs, slog.Any(f.name, f.v.Elem().Interface()))
		case f.v.Kind() == reflect.String:
			attrs = append(attrs, slog.String(f.name, f.v.String()))
		default:
			attrs = append(attrs, slog.Any(f.name, f.v.Interface()))
		}
	}
	return slog.GroupValue(attrs...)
}

// formatRedacted implements fmt.Formatter: %#v is the Go syntax, every
// other verb formats the %+v form, so no verb can reach a secret.
func formatRedacted(f fmt.State, verb rune, v any) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, redactedGoString(v))
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), redactedString(v))
}
