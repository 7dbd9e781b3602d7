; Python: what Cellscope labels (see c.scm); blocks are the indented suites.
(if_statement) @if
(comment) @comment
(string) @string
(block) @block
