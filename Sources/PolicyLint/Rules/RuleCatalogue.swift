/// `policylint rules --format json`.
enum RuleCatalogue {
    public static func json(_ ruleSet: RuleSet) -> String {
        var w = JSONText()
        w.array { w in
            for id in ruleSet.ruleOrder {
                guard let rule = ruleSet.rules[id] else { continue }
                w.object { w in
                    w.field("id", id)
                    w.field("level", rule.level.rawValue)
                    w.field("summary", rule.summary)
                    w.field("source", rule.source)
                }
            }
        }
        return w.text + "\n"
    }
}
