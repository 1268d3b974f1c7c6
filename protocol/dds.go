package protocol

import "strings"

// ParseDDS reads a due diligence statement as people copy it from TRACES:
// "REF" or "REF/VERIFICATION" (also "REF VERIFICATION" or "REF:VERIFICATION"),
// in any case, with spaces or hyphens inside the numbers. Whether the
// numbers have the right shape is for validation to say.
func ParseDDS(s string) Document {
	clean := func(s string) string {
		return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(s))
	}
	s = strings.TrimSpace(s)
	ref, ver := s, ""
	for _, sep := range []string{"/", ":", ";", ","} {
		if r, v, ok := strings.Cut(s, sep); ok {
			ref, ver = r, v
			break
		}
	}
	if ver == "" {
		if f := strings.Fields(s); len(f) == 2 && len(f[1]) == 8 {
			ref, ver = f[0], f[1]
		}
	}
	return Document{Kind: DocDDS, Ref: clean(ref), Verification: clean(ver)}
}
