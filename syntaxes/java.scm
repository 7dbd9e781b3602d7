; Java: what Cellscope labels (see c.scm).
(if_statement) @if
[(line_comment) (block_comment)] @comment
[(string_literal) (character_literal)] @string
[(block) (class_body)] @block
