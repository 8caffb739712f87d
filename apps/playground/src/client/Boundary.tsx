import { Component, type ReactNode } from 'react';

/**
 * Keeps one panel's rendering failure inside that panel: without it React unmounts the whole page, so a single odd
 * record (or a bug) would leave the user with a blank tab and nothing to report.
 */
export class PanelBoundary extends Component<{ name: string; children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="error" role="alert" data-testid="panel-error">
        the {this.props.name} panel failed to render: {this.state.error.message}{' '}
        <button type="button" onClick={() => this.setState({ error: null })}>
          Retry
        </button>
      </div>
    );
  }
}
