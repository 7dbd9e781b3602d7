; Go: what Cellscope labels (see c.scm).
(if_statement) @if
(comment) @comment
[(interpreted_string_literal) (raw_string_literal) (rune_literal)] @string
[(block) (field_declaration_list)] @block
