// Package provenance traces a batch through the records that made it and
// tells the truth about it: where it came from, who handled it, and
// whether it can be believed.
//
// Verify walks from a batch back to every origin (and, with
// Options.Forward, on to every product that used it, for a recall) over a
// small Source interface that a node implements over its store and that
// MemSource implements in memory. It reads every record's bytes itself,
// checks them against the CID it asked for, decodes them strictly and
// checks their signatures, and then runs nine checks:
//
//   - integrity: every record present, matching its CID, validly signed;
//     every batch reference names a batch; missing ancestors are named
//     with the record that referenced them (a Fetcher may supply them);
//   - trust: every signer's device key is delegated by an organisation
//     that a trust anchor endorses (directly, or through certifiers an
//     anchor endorses), none withdrawn at the record's time, and every
//     certificate a claim relies on comes from such a certifier;
//   - custody: a batch is consumed or sent only by its maker or by an
//     organisation that received it (a transfer to it and its receipt);
//   - mass_balance: each process's outputs are plausible for its inputs
//     by a conversion-bounds Table; pieces never outnumber components;
//   - double_claim: no batch is consumed or sent beyond its quantity,
//     counting every record the source knows, holder by holder;
//   - certification: supply-chain models only go down (IP → SG → MB),
//     certificates are valid at the claim's time, and the certified
//     share of an output never exceeds that of the inputs;
//   - eudr: origins of EUDR commodities are geolocated production land
//     (polygons over 4 ha), each plot shown not deforested after
//     2020-12-31 and held legally; and which origins the due diligence
//     statements on transfers upstream cover (Report.Statements);
//   - forks: no key behind the trace signed two records at one seq;
//   - corrections: superseded records are shown as corrected and their
//     replacements used; withdrawn batches are not used.
//
// The Report carries a Verdict ("trusted", "unendorsed" or "failed"), each
// check with reasons in plain words and the records behind them, the
// graph, the origins and the signers. Its JSON field names are stable;
// REPORT.md in this folder documents them and every reason code. Text
// renders it for the command line.
//
// Anchors is the user's list of trust anchors, kept in a file. The
// scenario subpackage builds honest and dishonest supply chains for
// tests, demos and benchmarks.
package provenance
