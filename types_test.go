package passwordsafe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTimeUnmarshalJSONLayouts(t *testing.T) {
	t.Parallel()
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	cases := []struct {
		in   string
		want time.Time // compared as an instant
	}{
		{`null`, time.Time{}},
		{`""`, time.Time{}},
		{`"2024-03-01T10:20:30Z"`, utc(2024, 3, 1, 10, 20, 30, 0)},
		{`"2024-03-01t10:20:30z"`, utc(2024, 3, 1, 10, 20, 30, 0)},
		{`"2024-03-01T10:20:30.5Z"`, utc(2024, 3, 1, 10, 20, 30, 500e6)},
		{`"2024-03-01T10:20:30.123456789Z"`, utc(2024, 3, 1, 10, 20, 30, 123456789)},
		{`"2024-03-01T10:20:30.1234567891Z"`, utc(2024, 3, 1, 10, 20, 30, 123456789)}, // beyond ns: cut
		{`"2024-03-01T10:20:30+02:00"`, utc(2024, 3, 1, 8, 20, 30, 0)},
		{`"2024-03-01T10:20:30-05:30"`, utc(2024, 3, 1, 15, 50, 30, 0)},
		{`"2024-03-01T10:20:30.25+01:00"`, utc(2024, 3, 1, 9, 20, 30, 250e6)},
		{`"2024-03-01T10:20:30+00:00"`, utc(2024, 3, 1, 10, 20, 30, 0)},
		{`"2024-03-01T10:20:30"`, utc(2024, 3, 1, 10, 20, 30, 0)},
		{`"2024-03-01T10:20:30.1234567"`, utc(2024, 3, 1, 10, 20, 30, 123456700)}, // .NET's 7 digits
		{`"2024-03-01 10:20:30"`, utc(2024, 3, 1, 10, 20, 30, 0)},
		{`"2024-03-01 10:20:30.5"`, utc(2024, 3, 1, 10, 20, 30, 500e6)},
		{`"2024-03-01"`, utc(2024, 3, 1, 0, 0, 0, 0)},
		{`"2024-02-29"`, utc(2024, 2, 29, 0, 0, 0, 0)},
		{`"2000-02-29T00:00:00"`, utc(2000, 2, 29, 0, 0, 0, 0)},
		{`"/Date(1700000000000)/"`, time.UnixMilli(1700000000000)},
		{`"/Date(1700000000123)/"`, time.UnixMilli(1700000000123)},
		{`"/Date(1700000000000+0100)/"`, time.UnixMilli(1700000000000)}, // the offset does not shift the instant
		{`"/Date(1700000000000-0500)/"`, time.UnixMilli(1700000000000)},
		{`"/Date(0)/"`, time.Unix(0, 0)},
		{`"/Date(-1000)/"`, time.Unix(-1, 0)},
		{`"/Date(-62135596800000)/"`, utc(1, 1, 1, 0, 0, 0, 0)},
		{`"\/Date(1700000000000)\/"`, time.UnixMilli(1700000000000)}, // as .NET escapes it
		{`"\u0032024-03-01"`, utc(2024, 3, 1, 0, 0, 0, 0)},
		{`"0001-01-01T00:00:00"`, time.Time{}},
		{`"9999-12-31T23:59:59Z"`, utc(9999, 12, 31, 23, 59, 59, 0)},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			var got Time
			got.Time = time.Now() // must be overwritten, null included
			// A parse loop that never ends stops the run.
			within(t, 10*time.Second, "decoding "+tc.in, func() {
				require.NoError(t, json.Unmarshal([]byte(tc.in), &got))
			})
			assert.True(t, tc.want.Equal(got.Time), "got %v want %v", got.Time, tc.want)
			if tc.want.IsZero() {
				assert.True(t, got.IsZero())
			}
			// Layouts without a zone, and the legacy form, are taken as UTC.
			if len(tc.in) < 14 || !strings.ContainsAny(tc.in[12:], "+-") || strings.Contains(tc.in, "Date") {
				_, off := got.Zone()
				assert.Zero(t, off)
			}
		})
	}
}

func TestTimeInStructs(t *testing.T) {
	t.Parallel()
	var v struct {
		A, B, C Time
		D       *Time
	}
	require.NoError(t, json.Unmarshal([]byte(`{"A":"2024-03-01","B":null,"C":"","D":"/Date(1700000000000)/"}`), &v))
	assert.Equal(t, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), v.A.Time)
	assert.True(t, v.B.IsZero())
	assert.True(t, v.C.IsZero())
	require.NotNil(t, v.D)
	assert.Equal(t, int64(1700000000), v.D.Unix())
}

func TestTimeUnmarshalErrorsNameTheValue(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`"yesterday"`,
		`"2024-13-01"`,
		`"2024-00-10"`,
		`"2023-02-29"`,
		`"2024-04-31"`,
		`"2024-03-00"`,
		`"2024-03-01T24:00:00"`,
		`"2024-03-01T10:60:00"`,
		`"2024-03-01T10:00:60"`,
		`"2024-03-01T10:00"`,
		`"2024-03-01T10:00:00."`,
		`"2024-03-01T10:00:00.Z"`,
		`"2024-03-01T10:00:00ZZ"`,
		`"2024-03-01T10:00:00+0100"`,
		`"2024-03-01T10:00:00 +01:00"`,
		`"2024-03-01 10:00:00Z+"`,
		`"24-03-01"`,
		`"2024/03/01"`,
		`"2024-3-1"`,
		`"/Date()/"`,
		`"/Date(abc)/"`,
		`"/Date(1700000000000+01)/"`,
		`"/Date(1700000000000+01:00)/"`,
		`"/Date(1700000000000+0a00)/"`,
		`"/Date(99999999999999999999)/"`,
		`"/Date(1700000000000)"`,
		`"Date(1700000000000)/"`,
		`"1700000000"`,
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			var got Time
			err := json.Unmarshal([]byte(in), &got)
			require.Error(t, err)
			assert.Contains(t, err.Error(), strings.Trim(in, `"`), "the error names the value")
			assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: cannot parse"), err.Error())
		})
	}
	// Not a string at all.
	for _, in := range []string{`1700000000`, `true`, `{}`, `[]`, `"`, `"unterminated`} {
		var got Time
		err := got.UnmarshalJSON([]byte(in))
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), in)
	}
	// A long value is cut short in the message.
	long := `"` + strings.Repeat("9", 500) + `"`
	var got Time
	err := got.UnmarshalJSON([]byte(long))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 200)
	// An escape that does not decode.
	err = got.UnmarshalJSON([]byte(`"\x"`))
	require.Error(t, err)
}

// Instants whose UTC form has no four-digit year cannot be encoded back as
// RFC 3339, so they are refused on the way in.
func TestTimeOutOfRangeRefused(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`"0000-01-01T00:00:00+01:00"`,
		`"9999-12-31T23:59:59-01:00"`,
		`"/Date(253402300800000)/"`, // 10000-01-01
		`"/Date(-62167219200001)/"`, // just before year 0
		`"/Date(9223372036854775807)/"`,
	} {
		var got Time
		err := json.Unmarshal([]byte(in), &got)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), strings.Trim(in, `"`))
	}
	// The edges themselves are fine and survive a round trip.
	for _, in := range []string{`"0000-01-01T00:00:00Z"`, `"9999-12-31T23:59:59.999999999Z"`, `"/Date(-62167219200000)/"`} {
		var a, b Time
		require.NoError(t, json.Unmarshal([]byte(in), &a), in)
		out, err := json.Marshal(a)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(out, &b), string(out))
		assert.True(t, a.Equal(b.Time), in)
	}
}

func TestTimeMarshal(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	for _, tc := range []struct {
		in   Time
		want string
	}{
		{Time{}, `null`},
		{Time{time.Date(2024, 3, 1, 10, 20, 30, 0, time.UTC)}, `"2024-03-01T10:20:30Z"`},
		{Time{time.Date(2024, 3, 1, 10, 20, 30, 0, paris)}, `"2024-03-01T09:20:30Z"`},
		{Time{time.Date(2024, 3, 1, 10, 20, 30, 500e6, time.UTC)}, `"2024-03-01T10:20:30.5Z"`},
		{Time{time.Date(2024, 3, 1, 10, 20, 30, 123456789, paris)}, `"2024-03-01T09:20:30.123456789Z"`},
	} {
		b, err := json.Marshal(tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(b))

		text, err := tc.in.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, strings.Trim(strings.TrimPrefix(tc.want, "null"), `"`), string(text))

		var back Time
		require.NoError(t, json.Unmarshal(b, &back))
		assert.True(t, tc.in.Equal(back.Time))
		var backText Time
		require.NoError(t, backText.UnmarshalText(text))
		assert.True(t, tc.in.Equal(backText.Time))
	}
	b, err := json.Marshal(struct {
		T Time
		P *Time
	}{T: Time{time.Unix(0, 0)}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"T":"1970-01-01T00:00:00Z","P":null}`, string(b))
}

func TestTimeTextAgreesWithJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "null", "2024-03-01T10:20:30Z", "2024-03-01T10:20:30.5+02:00", "2024-03-01T10:20:30",
		"2024-03-01 10:20:30", "2024-03-01", "/Date(1700000000000)/", "/Date(1700000000000+0100)/",
	} {
		var fromText, fromJSON Time
		require.NoError(t, fromText.UnmarshalText([]byte(s)), s)
		js := `"` + s + `"`
		if s == "null" {
			js = s
		}
		require.NoError(t, json.Unmarshal([]byte(js), &fromJSON), s)
		assert.True(t, fromText.Equal(fromJSON.Time), s)
	}
	// Empty text and null clear a time already set.
	for _, s := range []string{"", "null"} {
		tm := Time{time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
		require.NoError(t, tm.UnmarshalText([]byte(s)))
		assert.True(t, tm.IsZero(), "%q", s)
	}
	for _, s := range []string{"nope", "2024-13-01", `"2024-03-01"`} {
		var tm Time
		err := tm.UnmarshalText([]byte(s))
		require.Error(t, err, s)
		assert.Contains(t, err.Error(), strings.Trim(s, `"`))
	}
	// As a map key (encoding.TextMarshaler).
	m := map[Time]int{{time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}: 1}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"2024-03-01T00:00:00Z":1}`, string(b))
	var back map[Time]int
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, 1, back[Time{time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}])
}

const secretValue = "s3cr3t-P@ss-0xDEADBEEF"

func TestSecretUnderEveryVerb(t *testing.T) {
	t.Parallel()
	s := NewSecret(secretValue)
	ptr := &s
	creds := AliasCredentials{AliasID: 1, AliasName: "a", Password: s, PrivateKey: NewSecret("-----BEGIN KEY-----" + secretValue), Passphrase: s}
	type wrapper struct {
		Name string
		Cred Secret
		Ptr  *Secret
		All  []Secret
		Map  map[string]Secret
	}
	w := wrapper{Name: "w", Cred: s, Ptr: &s, All: []Secret{s, s}, Map: map[string]Secret{"k": s}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-30v", "%T %v", "%08b", "%e", "%p"} {
		for name, v := range map[string]any{
			"value": s, "pointer": ptr, "creds": creds, "creds pointer": &creds, "wrapper": w, "wrapper pointer": &w,
			"slice": []Secret{s}, "map": map[string]any{"s": s},
		} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, secretValue, "%s of %s", verb, name)
			assert.NotContains(t, out, fmt.Sprintf("%x", secretValue), "%s of %s", verb, name)
			assert.NotContains(t, out, "DEADBEEF", "%s of %s", verb, name)
		}
	}
	assert.Equal(t, "[REDACTED]", fmt.Sprintf("%v", s))
	assert.Equal(t, "[REDACTED]", fmt.Sprintf("%x", s))
	assert.Equal(t, "[REDACTED]", fmt.Sprintf("%#v", s))
	assert.Equal(t, "[REDACTED]", s.String())
	assert.Equal(t, "[REDACTED]", s.GoString())
	assert.Contains(t, fmt.Sprintf("%+v", creds), "Password:[REDACTED]")
	assert.Equal(t, "[REDACTED]", fmt.Sprint(Secret{}), "even the zero Secret")
}

func TestSecretUnderSlog(t *testing.T) {
	t.Parallel()
	s := NewSecret(secretValue)
	creds := &AliasCredentials{AliasID: 1, Password: s, Passphrase: s}
	for name, mk := range map[string]func(*bytes.Buffer) slog.Handler{
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	} {
		var buf bytes.Buffer
		l := slog.New(mk(&buf))
		l.Info("secret", "cred", s, "ptr", &s, "creds", creds, "value", *creds, slog.Any("any", s),
			slog.Group("g", "cred", s))
		l.With("cred", s).Info("with")
		out := buf.String()
		assert.NotContains(t, out, secretValue, name)
		assert.Contains(t, out, "[REDACTED]", name)
	}
	assert.Equal(t, slog.StringValue("[REDACTED]"), s.LogValue())
}

func TestSecretJSON(t *testing.T) {
	t.Parallel()
	s := NewSecret(secretValue)
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.Equal(t, `"[REDACTED]"`, string(b))
	b, err = json.Marshal(&AliasCredentials{AliasID: 2, Password: s})
	require.NoError(t, err)
	assert.NotContains(t, string(b), secretValue)
	assert.Contains(t, string(b), `"Password":"[REDACTED]"`)
	assert.Contains(t, string(b), `"PrivateKey":"[REDACTED]"`, "even an empty Secret marshals redacted")

	var got Secret
	require.NoError(t, json.Unmarshal([]byte(`"`+secretValue+`"`), &got))
	assert.Equal(t, secretValue, got.Value())
	assert.False(t, got.IsZero())
	require.NoError(t, json.Unmarshal([]byte(`"a\"b\\c\n\u00e9"`), &got))
	assert.Equal(t, "a\"b\\c\né", got.Value())
	require.NoError(t, json.Unmarshal([]byte(`null`), &got))
	assert.True(t, got.IsZero())
	assert.Equal(t, "", got.Value())
	require.NoError(t, json.Unmarshal([]byte(`""`), &got))
	assert.True(t, got.IsZero())

	for _, in := range []string{`12345678`, `{"v":"` + secretValue + `"}`, `["` + secretValue + `"]`, `true`, `"` + secretValue} {
		var s Secret
		err := s.UnmarshalJSON([]byte(in))
		require.Error(t, err, in)
		assert.NotContains(t, err.Error(), secretValue)
		assert.NotContains(t, err.Error(), "12345678")
		assert.True(t, s.IsZero())
	}
	// Through a struct decode, the error does not quote the value either.
	var ac AliasCredentials
	err = json.Unmarshal([]byte(`{"Password":12345678}`), &ac)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "12345678")
}

func TestSecretValueAndZero(t *testing.T) {
	t.Parallel()
	var zero Secret
	assert.True(t, zero.IsZero())
	assert.Equal(t, "", zero.Value())
	assert.True(t, NewSecret("").IsZero())
	assert.Equal(t, Secret{}, NewSecret(""))
	s := NewSecret("x")
	assert.False(t, s.IsZero())
	assert.Equal(t, "x", s.Value())
	// Copies share nothing a caller could change.
	v := "mutable"
	s = NewSecret(v)
	v = "changed"
	assert.Equal(t, "mutable", s.Value())
	_ = v
}

func TestPtr(t *testing.T) {
	t.Parallel()
	p := Ptr(3)
	require.NotNil(t, p)
	assert.Equal(t, 3, *p)
	q := Ptr(3)
	assert.NotSame(t, p, q)
	assert.Equal(t, "s", *Ptr("s"))
	assert.False(t, *Ptr(false))
	x := 5
	px := Ptr(x)
	x = 6
	assert.Equal(t, 5, *px, "Ptr copies its argument")
	_ = x
}

func TestEnumStrings(t *testing.T) {
	t.Parallel()
	for st, want := range map[AliasState]string{
		AliasUnmapped: "Unmapped", AliasMapped: "Mapped", AliasHighlyAvailable: "Highly Available",
		3: "AliasState(3)", -1: "AliasState(-1)",
	} {
		assert.Equal(t, want, st.String())
		assert.Equal(t, want, fmt.Sprint(st))
	}
	for st, want := range map[SessionStatus]string{
		SessionNotStarted: "Not Started", SessionInProgress: "In Progress", SessionCompleted: "Completed",
		SessionLocked: "Locked", SessionTerminated: "Terminated", SessionLoggedOff: "Logged Off",
		SessionDisconnected: "Disconnected", 3: "SessionStatus(3)", 6: "SessionStatus(6)",
	} {
		assert.Equal(t, want, st.String())
	}
	// The documented numbers.
	assert.Equal(t, []int{0, 1, 2}, []int{int(AliasUnmapped), int(AliasMapped), int(AliasHighlyAvailable)})
	assert.Equal(t, []int{0, 1, 2, 5, 7, 8, 9}, []int{int(SessionNotStarted), int(SessionInProgress), int(SessionCompleted),
		int(SessionLocked), int(SessionTerminated), int(SessionLoggedOff), int(SessionDisconnected)})
	// Numbers in JSON and in query strings, never names.
	b, err := json.Marshal([]AliasState{AliasMapped, AliasHighlyAvailable})
	require.NoError(t, err)
	assert.Equal(t, `[1,2]`, string(b))
	assert.Equal(t, "1,2", joinInts([]AliasState{AliasMapped, AliasHighlyAvailable}))
	assert.Equal(t, "0,5,9", joinInts([]SessionStatus{SessionNotStarted, SessionLocked, SessionDisconnected}))
	assert.Equal(t, "", joinInts([]AliasState(nil)))
	var st AliasState
	require.NoError(t, json.Unmarshal([]byte(`2`), &st))
	assert.Equal(t, AliasHighlyAvailable, st)
	// String enums hold the wire values.
	assert.Equal(t, []string{"View", "RDP", "SSH", "App"}, []string{string(AccessView), string(AccessRDP), string(AccessSSH), string(AccessApp)})
	assert.Equal(t, []string{"reuse", "renew"}, []string{string(ConflictReuse), string(ConflictRenew)})
	assert.Equal(t, []string{"all", "active", "pending"}, []string{string(RequestStatusAll), string(RequestStatusActive), string(RequestStatusPending)})
	assert.Equal(t, []string{"req", "app"}, []string{string(QueueRequestor), string(QueueApprover)})
	assert.Equal(t, []string{"password", "dsskey", "passphrase"}, []string{string(CredentialPassword), string(CredentialDSSKey), string(CredentialPassphrase)})
}

func TestUserJSON(t *testing.T) {
	t.Parallel()
	var u User
	require.NoError(t, json.Unmarshal([]byte(`{"UserId":7,"SID":"S-1","EmailAddress":"e@x","UserName":"u","Name":"N","Extra":1}`), &u))
	assert.Equal(t, User{UserID: 7, SID: "S-1", EmailAddress: "e@x", UserName: "u", Name: "N"}, u)
	b, err := json.Marshal(u)
	require.NoError(t, err)
	assert.JSONEq(t, `{"UserId":7,"SID":"S-1","EmailAddress":"e@x","UserName":"u","Name":"N"}`, string(b))
}

func TestCreatedRequestUnmarshal(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{
		`12`: 12, `"12"`: 12, `{"RequestID":12}`: 12, `{"requestid":12}`: 12, ` {"RequestID": 12 } `: 12, `{"RequestID":"12"}`: 12,
	} {
		var cr CreatedRequest
		require.NoError(t, json.Unmarshal([]byte(in), &cr), in)
		assert.Equal(t, want, cr.RequestID, in)
	}
	for _, in := range []string{`""`, `"x"`, `{}`, `{"RequestID":1e3}`, `{"RequestID":true}`, `1.5`, `[12]`, `"`, `{`} {
		var cr CreatedRequest
		assert.Error(t, cr.UnmarshalJSON([]byte(in)), in)
	}
}
