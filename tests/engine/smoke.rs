use setup_triage::model::facts::Fact;
use setup_triage::{Answers, Verdict, diagnose_text};

#[test]
fn dotnet_update_0x643_pasted() {
    let d = diagnose_text(
        "paste",
        "Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906) failed with Windows Update error 0x643",
        &Answers::new(),
    );
    assert_eq!(d.verdict, Verdict::Failed);
    assert!(d.codes.contains(&"0x80070643".to_string()), "{:?}", d.codes);
    assert!(d.codes.contains(&"1603".to_string()), "{:?}", d.codes);
    assert_eq!(d.facts.get(Fact::Kb), Some("KB979906"));
    assert_eq!(d.guide.id, "dotnet-update");
    // The first step that changes anything repairs the update registration (KB976982 method 1).
    let first_change = d
        .guide
        .steps
        .iter()
        .find(|s| s.risk != setup_triage::model::guide::Risk::Safe);
    assert_eq!(
        first_change.map(|s| s.id.as_str()),
        Some("dotnet-patch-registration")
    );
}
