package localapi_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jejak/jejak/node/api"
)

// TestSetLabelSettingsOverTheSocket sets the label settings through the
// client: the node applies them, and a bad GTIN comes back as ErrInvalid.
func TestSetLabelSettingsOverTheSocket(t *testing.T) {
	ctx := context.Background()
	n, c, _ := serve(t)
	id, err := c.SetLabelSettings(ctx, api.LabelSettings{Resolver: "verify.example.org", GTINs: map[string]string{"CPO": "9506000134352"}})
	if err != nil || id.LabelResolver != "verify.example.org" || id.GTINs["CPO"] != "09506000134352" {
		t.Fatalf("SetLabelSettings: %+v, %v", id, err)
	}
	if mine, err := n.Identity(ctx); err != nil || mine.GTINs["CPO"] != "09506000134352" {
		t.Fatalf("the node's identity after the call: %+v, %v", mine, err)
	}
	_, err = c.SetLabelSettings(ctx, api.LabelSettings{GTINs: map[string]string{"CPO": "1"}})
	if !errors.Is(err, api.ErrInvalid) {
		t.Fatalf("a bad GTIN over the socket: %v, want ErrInvalid", err)
	}
}
