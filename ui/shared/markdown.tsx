/**
 * Markdown as React elements (react-markdown) in Mantine's typography: raw HTML in the source is dropped,
 * never rendered, and links keep only safe protocols, so an API's documents cannot run script in a portal.
 */
import { Typography } from '@mantine/core';
import ReactMarkdown, { type Components } from 'react-markdown';

const components: Components = {
  a: ({ children, href }) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ),
};

export function Markdown({ source }: { source: string }) {
  return (
    <Typography>
      <ReactMarkdown components={components} skipHtml>
        {source}
      </ReactMarkdown>
    </Typography>
  );
}
