package protocol

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Labels a phone camera opens. A label's QR code carries an https URL in
// the style of GS1 Digital Link that names the batch:
//
//	https://RESOLVER/b/<batch ID>
//
// written in upper case whenever the whole URL fits the QR alphanumeric
// set (HTTPS://VERIFY.EXAMPLE.ORG/B/BAFYREI…/0), so the code stays small
// (hosts are case-blind, and resolvers read /b/ and /B/ alike); and, when
// the organisation has a GTIN for the product, the GS1 form
//
//	https://RESOLVER/01/<GTIN-14>/10/<lot>?jb=<batch ID>
//
// which GS1 tools read as a product and a lot. A lot code alone cannot name
// a batch (lots are per signer, and a batch ID, about 60 characters, is
// longer than the 20 that GS1's AI 10 allows), so the batch rides in a
// query parameter of its own, which GS1 resolvers ignore by the standard.
// With no resolver chosen, a label carries the bare batch ID (LabelText).

// CheckResolver checks a resolver setting: a host name, an optional port
// and an optional path prefix ("verify.example.org", "example.org/jejak").
func CheckResolver(r string) error {
	if r == "" {
		return nil
	}
	if strings.Contains(r, "://") {
		return fmt.Errorf("resolver %q: give the host name without https://", r)
	}
	if strings.ContainsAny(r, " \t\r\n?#@\\") {
		return fmt.Errorf("resolver %q: a host name and an optional path only (no spaces, query, fragment or user)", r)
	}
	u, err := url.Parse("https://" + r)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("resolver %q: not a host name", r)
	}
	return nil
}

// LabelURL returns the URL a label of id carries with resolver r.
func LabelURL(r string, id BatchID) (string, error) {
	if err := CheckResolver(r); err != nil {
		return "", err
	}
	if r == "" {
		return "", errors.New("no resolver: a label then carries the bare batch ID")
	}
	u := "https://" + strings.TrimSuffix(r, "/") + "/b/" + id.String()
	if alphanumeric(strings.ToUpper(u)) {
		return strings.ToUpper(u), nil
	}
	return u, nil
}

// LabelGS1URL returns the GS1 Digital Link form of a label: the product's
// GTIN, the batch's lot code and the batch itself.
func LabelGS1URL(r, gtin, lot string, id BatchID) (string, error) {
	if err := CheckResolver(r); err != nil {
		return "", err
	}
	if r == "" {
		return "", errors.New("no resolver")
	}
	g, err := CheckGTIN(gtin)
	if err != nil {
		return "", err
	}
	if lot == "" || len(lot) > 20 {
		return "", fmt.Errorf("lot %q: a GS1 lot is 1 to 20 characters", lot)
	}
	for _, c := range lot {
		if c < '!' || c > 'z' {
			return "", fmt.Errorf("lot %q: %q is outside the characters GS1 allows", lot, c)
		}
	}
	return "https://" + strings.TrimSuffix(r, "/") + "/01/" + g + "/10/" + url.PathEscape(lot) + "?jb=" + id.String(), nil
}

// CheckGTIN checks a GTIN-8, -12, -13 or -14 and its check digit, and
// returns it as 14 digits.
func CheckGTIN(s string) (string, error) {
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return "", fmt.Errorf("GTIN %q: want 8, 12, 13 or 14 digits, not %d characters", s, len(s))
	}
	for i, c := range s {
		if c < '0' || c > '9' {
			return "", fmt.Errorf("GTIN %q: character %d (%q) is not a digit", s, i+1, c)
		}
	}
	g := strings.Repeat("0", 14-len(s)) + s
	sum := 0
	for i := 0; i < 13; i++ {
		d := int(g[i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	want := byte('0' + (10-sum%10)%10)
	if g[13] != want {
		return "", fmt.Errorf("GTIN %s: check digit is %c, want %c", s, g[13], want)
	}
	return g, nil
}

// ErrNoBatchInLabel means a GS1 link names a product and a lot but no
// Jejak batch.
var ErrNoBatchInLabel = errors.New("the label names a product and a lot, but no Jejak batch")

// ParseLabel reads what a scan or a person gives: a bare batch ID in any
// case, or a label URL (/b/<ID> under any host and prefix, in any case, or
// the GS1 form with jb=), with spaces and line ends around it.
func ParseLabel(text string) (BatchID, error) {
	s := strings.TrimSpace(text)
	if len(s) > 2048 {
		return BatchID{}, errors.New("label: too long to be a Jejak label")
	}
	low := strings.ToLower(s)
	if !strings.HasPrefix(low, "https://") && !strings.HasPrefix(low, "http://") {
		return ParseBatchID(s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return BatchID{}, fmt.Errorf("label: not a URL: %v", err)
	}
	parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	for i := len(parts) - 2; i >= 0; i-- {
		if strings.EqualFold(parts[i], "b") && i+2 <= len(parts) {
			id, err := ParseBatchID(strings.Join(parts[i+1:], "/"))
			if err != nil {
				return BatchID{}, fmt.Errorf("label %s: %v", u.Host, err)
			}
			return id, nil
		}
	}
	for i, p := range parts {
		if p == "01" && i+1 < len(parts) {
			if _, err := CheckGTIN(parts[i+1]); err != nil {
				return BatchID{}, fmt.Errorf("label: %v", err)
			}
			jb := u.Query().Get("jb")
			if jb == "" {
				return BatchID{}, fmt.Errorf("label: GTIN %s: %w; ask the seller for the batch ID or a capsule", parts[i+1], ErrNoBatchInLabel)
			}
			id, err := ParseBatchID(jb)
			if err != nil {
				return BatchID{}, fmt.Errorf("label: the batch (jb): %v", err)
			}
			return id, nil
		}
	}
	return BatchID{}, fmt.Errorf("label: %s%s is not a Jejak label (want …/b/<batch ID>)", u.Host, u.Path)
}

// alphanumeric says whether s is all in the QR code's alphanumeric set.
func alphanumeric(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || strings.ContainsRune(" $%*+-./:", c)) {
			return false
		}
	}
	return true
}

// LabelPayload is what a batch's QR code carries: the GS1 form when gtin
// and lot are given, else the /b/ URL when a resolver is, else the bare
// batch ID (also when a setting cannot be used: a label is never refused).
func LabelPayload(resolver, gtin, lot string, id BatchID) string {
	if resolver != "" && gtin != "" && lot != "" {
		if u, err := LabelGS1URL(resolver, gtin, lot, id); err == nil {
			return u
		}
	}
	if resolver != "" {
		if u, err := LabelURL(resolver, id); err == nil {
			return u
		}
	}
	return LabelText(id)
}
