package passwordsafe

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits the server documents, enforced before anything is sent.
const (
	maxDurationMinutes = 525600 // one year
	maxReason          = 1000
	maxTicketNumber    = 20
)

func checkID(field string, id int) error {
	if id <= 0 {
		return invalid(field, "must be greater than 0, got %d", id)
	}
	return nil
}

func checkRange(field string, v, lo, hi int) error {
	if v < lo || v > hi {
		return invalid(field, "must be between %d and %d, got %d", lo, hi, v)
	}
	return nil
}

// checkLen counts characters (runes), not bytes, as the server does.
func checkLen(field, s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return invalid(field, "must be at most %d characters, got %d", max, n)
	}
	return nil
}

func checkRequired(field, s string) error {
	if s == "" {
		return invalid(field, "is required")
	}
	return nil
}

// checkEnum accepts the empty value (the server's default) and exactly the
// listed values.
func checkEnum[T ~string](field string, v T, allowed ...T) error {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return invalid(field, "%q is not one of %s", string(v), strings.Join(names, ", "))
}

// checkRequestTerms checks the rules a request body has wherever it is
// posted (POST Requests, POST Aliases/{id}/Requests).
func checkRequestTerms(durationMinutes int, reason string, conflict ConflictOption, ticketNumber string) error {
	return firstError(
		checkRange("DurationMinutes", durationMinutes, 1, maxDurationMinutes),
		checkLen("Reason", reason, maxReason),
		checkEnum("ConflictOption", conflict, ConflictReuse, ConflictRenew),
		checkLen("TicketNumber", ticketNumber, maxTicketNumber),
	)
}

// firstError returns the first non-nil error, so validate methods read as a
// list of rules.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// joinInts writes integer enums as numbers: go-querystring would use their
// String methods.
func joinInts[T ~int](vs []T) string {
	b := make([]byte, 0, len(vs)*2)
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(v), 10)
	}
	return string(b)
}

// checkGUID checks a Secrets Safe ID: a GUID such as
// 2f2b7a1e-9c4d-4e8f-a1b2-c3d4e5f6a7b8 (hex digits in groups of 8-4-4-4-12,
// either case).
func checkGUID(field, id string) error {
	if id == "" {
		return invalid(field, "is required")
	}
	if len(id) != 36 || strings.IndexFunc(id, func(r rune) bool {
		return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F' || r == '-')
	}) >= 0 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' || strings.Count(id, "-") != 4 {
		return invalid(field, "must be a GUID (8-4-4-4-12 hex digits), got %q", truncateRunes(id, 40))
	}
	return nil
}

// checkSeparator checks a path separator: one character, not white space.
func checkSeparator(field, sep string) error {
	if r, n := utf8.DecodeRuneInString(sep); sep != "" && (n != len(sep) || unicode.IsSpace(r) || r == utf8.RuneError) {
		return invalid(field, "must be one character (not white space), got %q", truncateRunes(sep, 8))
	}
	return nil
}

// checkFolderPath checks a folder path: required, at most 1798
// characters, and no empty folder name between its separators.
func checkFolderPath(field, path, sep string) error {
	if err := firstError(checkRequired(field, path), checkLen(field, path, maxFolderPath)); err != nil {
		return err
	}
	if slices.Contains(strings.Split(path, sep), "") {
		return invalid(field, "holds an empty folder name (a leading, trailing or doubled %q)", sep)
	}
	return nil
}
