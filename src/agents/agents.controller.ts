import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AgentRegistry } from './runtime/agent-registry';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('v1/agents')
export class AgentsController {
  constructor(private readonly registry: AgentRegistry) {}

  /** The registered agents and the tools each declares (what a session may allow). */
  @Get()
  list() {
    const items = this.registry.list().map(({ id, description, tools }) => ({
      id,
      description,
      tools: [...tools],
    }));
    return { items, hasMore: false };
  }
}
